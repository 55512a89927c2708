import { checkEnvironment } from "../../lib/doctor/check-environment";
import { viewerProcedure, router } from "../trpc/init";

export const systemRouter = router({
  doctor: viewerProcedure.query(({ ctx }) => checkEnvironment(ctx.config)),
  info: viewerProcedure.query(({ ctx }) => ({
    endpoint: ctx.config.endpoint,
    hubCache: ctx.config.hubCache,
    workspaceRoot: ctx.config.workspaceRoot,
  })),
});
