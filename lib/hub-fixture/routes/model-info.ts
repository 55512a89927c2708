import { sendJson } from "../hub-response";
import { isTruthy } from "../is-truthy";
import { lookupRevision } from "../lookup-revision";
import { expandedFields, MODEL_INFO_FIELDS, modelJson } from "../model-json";
import type { RouteContext } from "../route-context";

/**
 * `GET|HEAD /api/models/{id}[/revision/{rev}]`: the repo as seen at the
 * revision (`sha` is the commit it resolved to). `blobs=true` adds file
 * sizes and hashes to `siblings`.
 */
export async function modelInfo(ctx: RouteContext, repoId: string, revision: string): Promise<void> {
  const found = lookupRevision(ctx, repoId, revision);
  if (!found) return;
  const query = ctx.url.searchParams;
  const json = await modelJson(found.repo, found.commit, {
    fields: expandedFields(query) ?? MODEL_INFO_FIELDS,
    blobs: isTruthy(query.get("blobs")),
  });
  sendJson(ctx.res, 200, json);
}
