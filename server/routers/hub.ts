import { z } from "zod";
import { hubAccessFrom } from "../../lib/hub/hub-access";
import { searchModels } from "../../lib/hub/search-models";
import { whoAmIOnHub } from "../../lib/hub/who-am-i";
import { router, viewerProcedure } from "../trpc/init";

export const hubRouter = router({
  search: viewerProcedure
    .input(z.object({ query: z.string().max(200), mlxOnly: z.boolean().default(false), limit: z.number().int().min(1).max(100).default(30) }))
    .query(({ ctx, input }) =>
      searchModels({
        ...hubAccessFrom(ctx.config),
        ...(input.query ? { query: input.query } : {}),
        ...(input.mlxOnly ? { tags: ["mlx"] } : {}),
        limit: input.limit,
      }),
    ),
  /** The configured token's user and organisations (the Push dialog's owner picker); null without a token. The token stays here. */
  whoami: viewerProcedure.query(({ ctx }) => whoAmIOnHub(hubAccessFrom(ctx.config))),
});
