import type { ServerResponse } from "node:http";
import { z } from "zod";
import { LFS_STORAGE } from "../match-route";
import { lookupWritableRepo } from "../lookup-writable-repo";
import { readJsonBody } from "../read-json-body";
import { sendHubError } from "../hub-response";
import type { RouteContext } from "../route-context";

const MAX_OBJECTS = 1000;
const SHA256 = /^[0-9a-f]{64}$/;
/** How long an upload URL stays valid, as the Hub's presigned URLs do (informative: the fixture's never expire). */
const UPLOAD_URL_SECONDS = 86_400;

const bodySchema = z.object({
  operation: z.string(),
  transfers: z.array(z.string()).optional(),
  hash_algo: z.string().optional(),
  objects: z.array(z.object({ oid: z.string(), size: z.number() })).max(MAX_OBJECTS),
});

/**
 * `POST /{id}.git/info/lfs/objects/batch` (upload): for each object, an
 * `upload` action with a signed URL when the fixture does not hold it yet,
 * and no action at all when it does, which is how clients know to skip it.
 * Basic transfer only, so neither client tries Xet or multipart.
 */
export async function lfsBatch(ctx: RouteContext, repoId: string): Promise<void> {
  const body = await readJsonBody(ctx, bodySchema);
  if (!body) return;
  if (body.operation !== "upload") {
    sendHubError(ctx.res, { status: 422, message: "The Hub fixture answers LFS upload batches only; download files through /resolve" });
    return;
  }
  const repo = lookupWritableRepo(ctx, repoId);
  if (!repo) return;
  const expiresAt = new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString();
  const objects = await Promise.all(
    body.objects.map(async ({ oid, size }) => {
      if (!SHA256.test(oid) || !Number.isSafeInteger(size) || size < 0) {
        return { oid, size, error: { code: 422, message: "Invalid object: oid must be a sha256 and size a byte count" } };
      }
      if ((await ctx.writer.lfsObjectSize(repo, oid)) === size) return { oid, size, authenticated: true };
      const href = new URL(`/${LFS_STORAGE}/${repo.id}/${oid}`, ctx.origin);
      href.searchParams.set("size", String(size));
      href.searchParams.set("sig", ctx.uploadSigner.sign(repo.id, oid, size));
      return { oid, size, authenticated: true, actions: { upload: { href: href.href, expires_at: expiresAt } } };
    }),
  );
  sendLfsJson(ctx.res, { transfer: "basic", objects, hash_algo: "sha256" });
}

function sendLfsJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { "Content-Type": "application/vnd.git-lfs+json", "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}
