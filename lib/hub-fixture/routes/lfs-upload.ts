import { ObjectMismatchError } from "../object-store";
import { sendHubError } from "../hub-response";
import type { RouteContext } from "../route-context";

/**
 * `PUT /lfs-storage/{id}/{oid}?size=&sig=`: the bytes of one LFS object, at
 * the URL the batch answer signed. Stored only if exactly the announced size
 * and sha256; an interrupted or refused upload leaves nothing behind.
 */
export async function lfsUpload(ctx: RouteContext, repoId: string, oid: string): Promise<void> {
  const size = Number(ctx.url.searchParams.get("size"));
  const signature = ctx.url.searchParams.get("sig") ?? "";
  if (!Number.isSafeInteger(size) || size < 0 || !ctx.uploadSigner.verify(repoId, oid, size, signature)) {
    sendHubError(ctx.res, { status: 403, message: "Upload URL signature does not match: ask the LFS batch API for a new one" });
    ctx.req.resume();
    return;
  }
  try {
    await ctx.writer.objects.putStream(ctx.req, { sha256: oid, size }, ctx.uploadThrottle?.() ?? null);
  } catch (error) {
    if (!(error instanceof ObjectMismatchError)) throw error;
    sendHubError(ctx.res, { status: 400, message: `Upload refused: ${error.message}` });
    ctx.req.resume();
    return;
  }
  ctx.res.writeHead(200, { ETag: `"${oid}"`, "Content-Length": "0" });
  ctx.res.end();
}
