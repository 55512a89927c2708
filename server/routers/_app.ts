import { router } from "../trpc/init";
import { hubRouter } from "./hub";
import { jobsRouter } from "./jobs";
import { modelsRouter } from "./models";
import { systemRouter } from "./system";

export const appRouter = router({
  system: systemRouter,
  hub: hubRouter,
  models: modelsRouter,
  jobs: jobsRouter,
});

export type AppRouter = typeof appRouter;
