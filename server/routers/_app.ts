import { router } from "../trpc/init";
import { accountRouter } from "./account";
import { adminRouter } from "./admin";
import { chatRouter } from "./chat";
import { clusterRouter } from "./cluster";
import { convertRouter } from "./convert";
import { hubRouter } from "./hub";
import { modelsRouter } from "./models";
import { operationsRouter } from "./operations";
import { repairRouter } from "./repair";
import { systemRouter } from "./system";

export const appRouter = router({
  system: systemRouter,
  hub: hubRouter,
  models: modelsRouter,
  operations: operationsRouter,
  repair: repairRouter,
  chat: chatRouter,
  convert: convertRouter,
  account: accountRouter,
  admin: adminRouter,
  cluster: clusterRouter,
});

export type AppRouter = typeof appRouter;
