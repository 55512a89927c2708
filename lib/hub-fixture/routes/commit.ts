import { z } from "zod";
import type { WriteOperation } from "../hub-writer";
import { HubRequestError, sendHubError, sendJson } from "../hub-response";
import { lookupWritableRepo } from "../lookup-writable-repo";
import { readBody } from "../read-body";
import { isValidRepoPath } from "../repo-path";
import type { RouteContext } from "../route-context";

/** Regular files travel inline (base64); the Hub caps them at 10 MB each, and a commit at far less than this. */
const MAX_COMMIT_BYTES = 512 * 1024 * 1024;
const MAX_OPERATIONS = 25_000;

const lineSchema = z.discriminatedUnion("key", [
  z.object({
    key: z.literal("header"),
    value: z.object({ summary: z.string().min(1), description: z.string().nullish(), parentCommit: z.string().nullish() }),
  }),
  z.object({ key: z.literal("file"), value: z.object({ path: z.string(), content: z.string(), encoding: z.literal("base64") }) }),
  z.object({
    key: z.literal("lfsFile"),
    value: z.object({ path: z.string(), algo: z.literal("sha256"), oid: z.string(), size: z.number().int().nonnegative().optional() }),
  }),
  z.object({ key: z.literal("deletedFile"), value: z.object({ path: z.string() }) }),
  z.object({ key: z.literal("deletedFolder"), value: z.object({ path: z.string() }) }),
]);
type Line = z.infer<typeof lineSchema>;

/**
 * `POST /api/models/{id}/commit/{branch}` (NDJSON): a header line, then one
 * line per file added inline (`file`, base64), added through LFS (`lfsFile`,
 * the object uploaded before) or deleted (`deletedFile`, `deletedFolder`).
 * Atomic: the commit lands whole or not at all. With `parentCommit`, refused
 * (412) when the branch has moved since.
 */
export async function commit(ctx: RouteContext, repoId: string, branch: string): Promise<void> {
  if (ctx.url.searchParams.has("create_pr")) {
    ctx.req.resume();
    sendHubError(ctx.res, { status: 400, message: "The Hub fixture does not support pull requests; commit to a branch" });
    return;
  }
  const repo = lookupWritableRepo(ctx, repoId);
  if (!repo) {
    ctx.req.resume();
    return;
  }
  const lines = parseLines(await readBody(ctx.req, MAX_COMMIT_BYTES));
  if (typeof lines === "string") {
    sendHubError(ctx.res, { status: 400, message: lines });
    return;
  }
  const [header, ...rest] = lines;
  if (header?.key !== "header") {
    sendHubError(ctx.res, { status: 400, message: "The first line of a commit must be its header" });
    return;
  }
  const changes = rest.filter((line): line is Exclude<Line, { key: "header" }> => line.key !== "header");
  const seen = new Set<string>();
  for (const line of changes) {
    const path = line.value.path.replace(/\/+$/, "");
    if (!isValidRepoPath(path) || seen.has(path)) {
      const problem = seen.has(path) ? `${path} appears twice` : `invalid path ${path.slice(0, 200)}`;
      sendHubError(ctx.res, { status: 400, message: `Invalid commit: ${problem}` });
      return;
    }
    seen.add(path);
  }
  if (changes.length !== rest.length) {
    sendHubError(ctx.res, { status: 400, message: "Invalid commit: a second header" });
    return;
  }

  try {
    const operations: WriteOperation[] = [];
    for (const line of changes) operations.push(await toOperation(ctx, line));
    const title = header.value.description ? `${header.value.summary}\n\n${header.value.description}` : header.value.summary;
    const made = await ctx.writer.commit({
      repoId: repo.id,
      branch: branch.replace(/^refs\/heads\//, ""),
      ...(header.value.parentCommit ? { parentCommit: header.value.parentCommit } : {}),
      title,
      operations,
    });
    sendJson(ctx.res, 200, { success: true, commitOid: made.id, commitUrl: `${ctx.origin}/${repo.id}/commit/${made.id}`, hookOutput: "" });
  } catch (error) {
    if (!(error instanceof HubRequestError)) throw error;
    sendHubError(ctx.res, error.hubError);
  }
}

function parseLines(body: string): Line[] | string {
  const lines: Line[] = [];
  for (const text of body.split("\n")) {
    if (text.trim() === "") continue;
    if (lines.length >= MAX_OPERATIONS) return `A commit holds at most ${MAX_OPERATIONS} operations`;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return `Line ${lines.length + 1} of the commit is not JSON`;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) return `Line ${lines.length + 1} of the commit is not a header, file, lfsFile, deletedFile or deletedFolder line`;
    lines.push(parsed.data);
  }
  return lines;
}

async function toOperation(ctx: RouteContext, line: Exclude<Line, { key: "header" }>): Promise<WriteOperation> {
  const path = line.value.path.replace(/\/+$/, "");
  switch (line.key) {
    case "file": {
      const stored = await ctx.writer.objects.putBytes(Buffer.from(line.value.content, "base64"));
      return { kind: "file", path, sha256: stored.sha256, blobOid: stored.blobOid, size: stored.size };
    }
    case "lfsFile":
      return { kind: "lfsFile", path, sha256: line.value.oid, ...(line.value.size === undefined ? {} : { size: line.value.size }) };
    case "deletedFile":
      return { kind: "deletedFile", path };
    case "deletedFolder":
      return { kind: "deletedFolder", path };
  }
}
