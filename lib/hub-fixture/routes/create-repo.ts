import { z } from "zod";
import { writeAccessError } from "../access";
import { HubRequestError, sendHubError, sendJson } from "../hub-response";
import { readJsonBody } from "../read-json-body";
import type { RouteContext } from "../route-context";

const REPO_PART = /^[A-Za-z0-9][\w.-]{0,95}$/;

const bodySchema = z.object({
  name: z.string(),
  organization: z.string().nullish(),
  type: z.string().nullish(),
  private: z.boolean().nullish(),
  visibility: z.enum(["public", "private", "protected"]).nullish(),
});

/**
 * `POST /api/repos/create`: a new model repo with the Hub's initial commit
 * (`.gitattributes`), in the caller's namespace unless `organization` names
 * another one it may write to. Private when `visibility` (or the older
 * `private` flag) says so. 409, with the repo's `url`, when it exists: Python's
 * `create_repo(exist_ok=True)` reads that url.
 */
export async function createRepo(ctx: RouteContext): Promise<void> {
  const body = await readJsonBody(ctx, bodySchema);
  if (!body) return;
  if (body.type && body.type !== "model") {
    sendHubError(ctx.res, { status: 400, message: `The Hub fixture hosts model repos only, not ${body.type} repos` });
    return;
  }
  const namespace = body.organization ?? (ctx.caller.kind === "user" ? ctx.user.name : "");
  const denied = writeAccessError(namespace, ctx.caller, ctx.user);
  if (denied) {
    sendHubError(ctx.res, denied);
    return;
  }
  if (!REPO_PART.test(namespace) || !REPO_PART.test(body.name) || body.name.includes("--") || body.name.endsWith(".git")) {
    sendHubError(ctx.res, { status: 400, message: `Invalid repo name: ${namespace}/${body.name}` });
    return;
  }
  const id = `${namespace}/${body.name}`;
  const existing = ctx.store.get(id);
  if (existing) {
    sendJson(ctx.res, 409, { error: "You already created this model repo", url: `${ctx.origin}/${existing.id}` });
    return;
  }
  const isPrivate = body.visibility ? body.visibility !== "public" : (body.private ?? false);
  try {
    const repo = await ctx.writer.createRepo({ id, private: isPrivate });
    sendJson(ctx.res, 200, { url: `${ctx.origin}/${repo.id}`, name: repo.id, id: repo.objectId });
  } catch (error) {
    // Two creations of the same id can race; the loser gets the same 409.
    if (!(error instanceof HubRequestError)) throw error;
    sendJson(ctx.res, error.hubError.status, { error: error.message, url: `${ctx.origin}/${id}` });
  }
}
