import { z } from "zod";
import { resolveRevision } from "../repo-store";
import { revisionNotFound, sendHubError, sendJson } from "../hub-response";
import { isLfsFile } from "../lfs";
import { lookupWritableRepo } from "../lookup-writable-repo";
import { readJsonBody } from "../read-json-body";
import { isValidRepoPath } from "../repo-path";
import type { RouteContext } from "../route-context";

/** Clients send 100 (JS) or 256 (Python) files per call; more than this is refused. */
const MAX_FILES = 1000;

const bodySchema = z.object({
  files: z
    .array(z.object({ path: z.string(), size: z.number().int().nonnegative(), sample: z.string().optional() }))
    .max(MAX_FILES),
  gitAttributes: z.string().optional(),
  gitIgnore: z.string().optional(),
});

/**
 * `POST /api/models/{id}/preupload/{rev}`: how each file will be committed
 * ("lfs" for weights and anything over 10 MB, empty files always "regular"),
 * and, for a file that exists at the revision, its remote `oid` (sha256 for
 * LFS files, git blob sha1 otherwise), which Python compares to skip
 * unchanged files. Needs write access, like the Hub's.
 */
export async function preupload(ctx: RouteContext, repoId: string, revision: string): Promise<void> {
  const body = await readJsonBody(ctx, bodySchema);
  if (!body) return;
  const repo = lookupWritableRepo(ctx, repoId);
  if (!repo) return;
  const commit = resolveRevision(repo, revision);
  if (!commit) {
    sendHubError(ctx.res, revisionNotFound(revision));
    return;
  }
  const invalid = body.files.find((f) => !isValidRepoPath(f.path));
  if (invalid) {
    sendHubError(ctx.res, { status: 400, message: `Invalid path in repo: ${invalid.path.slice(0, 200)}` });
    return;
  }
  const files = body.files.map((file) => {
    const lfs = file.size > 0 && isLfsFile(file.path, file.size);
    const entry = commit.entries.get(file.path);
    const oid = entry?.type === "file" ? (entry.lfs ? entry.lfs.oid : entry.oid) : undefined;
    return { path: file.path, uploadMode: lfs ? "lfs" : "regular", shouldIgnore: false, ...(oid ? { oid } : {}) };
  });
  sendJson(ctx.res, 200, { files, commitOid: commit.id });
}
