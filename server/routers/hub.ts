import { z } from "zod";
import { describeHubModel } from "../../lib/hub/describe-hub-model";
import { hubAccessFrom } from "../../lib/hub/hub-access";
import { machineMemory } from "../../lib/hub/memory-fit";
import { parseRepoSpec } from "../../lib/hub/repo-spec";
import { SEARCH_SORTS, searchModelsPage } from "../../lib/hub/search-models";
import { whoAmIOnHub } from "../../lib/hub/who-am-i";
import { router, viewerProcedure } from "../trpc/init";

export const hubRouter = router({
  /** One page of models; `cursor` is the previous page's `nextCursor` for the same query. */
  search: viewerProcedure
    .input(
      z.object({
        query: z.string().max(200),
        mlxOnly: z.boolean().default(false),
        task: z.string().regex(/^[a-z0-9-]{1,60}$/).optional(),
        sort: z.enum(SEARCH_SORTS).default("downloads"),
        limit: z.number().int().min(1).max(100).default(30),
        cursor: z.string().max(2000).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      searchModelsPage({
        ...hubAccessFrom(ctx.config),
        ...(input.query ? { query: input.query } : {}),
        ...(input.mlxOnly ? { tags: ["mlx"] } : {}),
        ...(input.task ? { task: input.task } : {}),
        ...(input.cursor ? { cursor: input.cursor } : {}),
        sort: input.sort,
        limit: input.limit,
      }),
    ),
  /** Everything the model page shows: card, files, parameters (from ranged header reads), memory fit, local copies. */
  model: viewerProcedure.input(z.object({ repo: z.string().max(300) })).query(({ ctx, input, signal }) => {
    const { repoId, revision } = parseRepoSpec(input.repo);
    return describeHubModel(
      {
        access: hubAccessFrom(ctx.config),
        roots: { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot },
        memory: machineMemory,
        ...(signal ? { signal } : {}),
      },
      repoId,
      revision,
    );
  }),
  /** The configured token's user and organisations (the Push dialog's owner picker); null without a token. The token stays here. */
  whoami: viewerProcedure.query(({ ctx }) => whoAmIOnHub(hubAccessFrom(ctx.config))),
});
