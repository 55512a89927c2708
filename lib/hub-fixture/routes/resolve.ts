import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { gitBlobOid } from "../git-objects";
import { entryNotFound, sendHubError } from "../hub-response";
import { lfsPointer } from "../lfs";
import { lookupRevision } from "../lookup-revision";
import { parseRange } from "../parse-range";
import { sendFileRange } from "../send-file-range";
import type { RouteContext } from "../route-context";

/**
 * `GET|HEAD /{id}/resolve/{rev}/{path}` and `/raw/`: the file's bytes, served
 * directly (no CDN redirect, which both clients accept), with the headers the
 * clients read: `X-Repo-Commit` always, `ETag` (git blob sha1) for regular
 * files, `X-Linked-Etag`/`X-Linked-Size` (sha256, size) for LFS ones. `raw`
 * serves an LFS file's pointer text instead of its content. Never the Xet
 * content type, so clients stay on plain HTTP.
 */
export async function resolve(ctx: RouteContext, repoId: string, revision: string, path: string, raw: boolean): Promise<void> {
  const found = lookupRevision(ctx, repoId, revision, { files: true });
  if (!found) return;
  const { commit } = found;
  const entry = commit.entries.get(path);
  if (entry?.type !== "file") {
    sendHubError(ctx.res, entryNotFound(path, commit.id));
    return;
  }

  const servePointer = raw && entry.lfs !== undefined;
  const pointer = entry.lfs && servePointer ? Buffer.from(lfsPointer(entry.lfs.oid, entry.lfs.size)) : null;
  const size = pointer ? pointer.byteLength : entry.size;
  const headers: Record<string, string> = {
    "X-Repo-Commit": commit.id,
    "Accept-Ranges": "bytes",
    "Content-Type": raw ? "text/plain; charset=utf-8" : "application/octet-stream",
  };
  if (entry.lfs && !servePointer) {
    headers["X-Linked-Etag"] = `"${entry.lfs.oid}"`;
    headers["X-Linked-Size"] = String(entry.lfs.size);
  } else {
    headers.ETag = `"${pointer ? gitBlobOid(pointer) : entry.oid}"`;
  }
  if (!ctx.url.searchParams.has("noContentDisposition")) headers["Content-Disposition"] = contentDisposition(path);

  const range = parseRange(ctx.req.headers.range, size);
  if (range.kind === "unsatisfiable") {
    ctx.res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
    ctx.res.end();
    return;
  }
  const [start, end] = range.kind === "part" ? [range.start, range.end] : [0, size - 1];
  if (range.kind === "part") headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  headers["Content-Length"] = String(Math.max(0, end - start + 1));
  ctx.res.writeHead(range.kind === "part" ? 206 : 200, headers);
  if (ctx.req.method === "HEAD" || size === 0) {
    ctx.res.end();
    return;
  }
  if (!pointer && !ctx.throttle) return sendFileRange(ctx.res, entry.absPath, start, end);
  // A throttled link keeps the read stream's 64 KiB reads: its pacing stays as fine-grained.
  const body = pointer ? Readable.from([pointer.subarray(start, end + 1)]) : createReadStream(entry.absPath, { start, end });
  await (ctx.throttle ? pipeline(body, ctx.throttle(), ctx.res) : pipeline(body, ctx.res));
}

/** The Hub's `inline; filename*=UTF-8''…; filename="…";`, with an ASCII fallback name. */
function contentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${ascii}";`;
}
