import { z } from "zod";
import { HubRequestError, sendHubError, sendJson } from "../hub-response";
import { lookupWritableRepo } from "../lookup-writable-repo";
import { readJsonBody } from "../read-json-body";
import { isValidBranchName } from "../repo-path";
import type { RouteContext } from "../route-context";

const bodySchema = z.object({
  startingPoint: z.string().nullish(),
  emptyBranch: z.boolean().nullish(),
  overwrite: z.boolean().nullish(),
});

/** `POST /api/models/{id}/branch/{branch}`: a branch at `startingPoint` (default: main). 409 when it exists, unless `overwrite`. */
export async function createBranch(ctx: RouteContext, repoId: string, branch: string): Promise<void> {
  const body = await readJsonBody(ctx, bodySchema);
  if (!body) return;
  const repo = lookupWritableRepo(ctx, repoId);
  if (!repo) return;
  if (!isValidBranchName(branch)) {
    sendHubError(ctx.res, { status: 400, message: `Invalid branch name: ${branch.slice(0, 200)}` });
    return;
  }
  if (body.emptyBranch) {
    sendHubError(ctx.res, { status: 400, message: "The Hub fixture does not create empty branches; give a starting point" });
    return;
  }
  try {
    await ctx.writer.createBranch({ repoId: repo.id, branch, from: body.startingPoint ?? "main", overwrite: body.overwrite ?? false });
    sendJson(ctx.res, 200, {});
  } catch (error) {
    if (!(error instanceof HubRequestError)) throw error;
    sendHubError(ctx.res, error.hubError);
  }
}
