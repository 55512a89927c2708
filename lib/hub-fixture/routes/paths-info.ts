import { z } from "zod";
import { entryJson } from "../entry-json";
import { sendHubError, sendJson } from "../hub-response";
import { isTruthy } from "../is-truthy";
import { lookupRevision } from "../lookup-revision";
import type { RouteContext } from "../route-context";
import { readBody } from "../read-body";

const jsonBodySchema = z.object({
  paths: z.array(z.string()),
  expand: z.union([z.boolean(), z.string()]).optional(),
});

/**
 * `POST /api/models/{id}/paths-info/{rev}`: the entries for the paths that
 * exist (missing ones are left out). JS sends JSON; Python sends a form with
 * `paths` repeated and `expand=True|False`.
 */
export async function pathsInfo(ctx: RouteContext, repoId: string, revision: string): Promise<void> {
  const body = await readBody(ctx.req);
  const request = parseRequest(ctx.req.headers["content-type"] ?? "", body);
  if (!request) {
    sendHubError(ctx.res, { status: 400, message: "Expected a JSON or form body with 'paths'" });
    return;
  }
  const found = lookupRevision(ctx, repoId, revision);
  if (!found) return;
  const { commit } = found;
  const entries = [...new Set(request.paths)].flatMap((path) => {
    const entry = commit.entries.get(path.replace(/^\/+|\/+$/g, ""));
    return entry ? [entryJson(commit, entry, request.expand)] : [];
  });
  sendJson(ctx.res, 200, entries, { "X-Repo-Commit": commit.id });
}

function parseRequest(contentType: string, body: string): { paths: string[]; expand: boolean } | null {
  if (contentType.includes("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(body);
    return { paths: form.getAll("paths"), expand: isTruthy(form.get("expand")) };
  }
  try {
    const parsed = jsonBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return null;
    const { paths, expand } = parsed.data;
    return { paths, expand: typeof expand === "string" ? isTruthy(expand) : (expand ?? false) };
  } catch {
    return null;
  }
}
