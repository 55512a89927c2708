import { router } from "../trpc/init";
import { chatRouter } from "./chat";
import { convertRouter } from "./convert";
import { hubRouter } from "./hub";
import { jobsRouter } from "./jobs";
import { modelsRouter } from "./models";
import { systemRouter } from "./system";

export const appRouter = router({
  system: systemRouter,
  hub: hubRouter,
  models: modelsRouter,
  jobs: jobsRouter,
  chat: chatRouter,
  convert: convertRouter,
});

export type AppRouter = typeof appRouter;
