import { checkEnvironment } from "../../lib/doctor/check-environment";
import { publicProcedure, router } from "../trpc/init";

export const systemRouter = router({
  doctor: publicProcedure.query(({ ctx }) => checkEnvironment(ctx.config)),
  info: publicProcedure.query(({ ctx }) => ({
    endpoint: ctx.config.endpoint,
    hubCache: ctx.config.hubCache,
    workspaceRoot: ctx.config.workspaceRoot,
  })),
});
