import { checkEnvironment } from "../../lib/doctor/check-environment";
import { viewerProcedure, router } from "../trpc/init";

export const systemRouter = router({
  doctor: viewerProcedure.query(({ ctx }) => checkEnvironment(ctx.config)),
  info: viewerProcedure.query(({ ctx }) => ({
    endpoint: ctx.config.endpoint,
    demoHub: ctx.config.demoHub === true,
    hubCache: ctx.config.hubCache,
    workspaceRoot: ctx.config.workspaceRoot,
  })),
});
