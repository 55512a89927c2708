import { router } from "../trpc/init";
import { chatRouter } from "./chat";
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
});

export type AppRouter = typeof appRouter;
