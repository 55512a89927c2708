import { open } from "node:fs/promises";
import { z } from "zod";
import { WhetError } from "../errors";
import type { LocalFile } from "./list-push-files";
import { pushFailure, readFailure } from "./push-errors";

interface HubCall {
  fetch: typeof fetch;
  hubUrl: string;
  accessToken?: string;
  repo: string;
  branch: string;
}

/** Files per preupload call and objects per LFS batch call, as @huggingface/hub sends them. */
const BATCH = 100;

const preuploadSchema = z.object({ files: z.array(z.object({ path: z.string(), uploadMode: z.enum(["lfs", "regular"]) })) });
const batchSchema = z.object({
  objects: z.array(
    z.object({
      oid: z.string(),
      actions: z.object({ upload: z.object({ href: z.string() }).optional() }).passthrough().optional(),
      error: z.object({ message: z.string() }).passthrough().optional(),
    }),
  ),
});

async function post(call: HubCall, url: string, body: unknown, contentType: string): Promise<unknown> {
  const response = await call.fetch(url, {
    method: "POST",
    headers: { "Content-Type": contentType, Accept: contentType, ...(call.accessToken ? { Authorization: `Bearer ${call.accessToken}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw pushFailure(await readFailure(response), call.repo, call.branch);
  return response.json().catch(() => null);
}

async function sample(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, 512, 0);
    return buffer.subarray(0, bytesRead).toString("base64");
  } finally {
    await handle.close();
  }
}

/**
 * How the Hub will store each file ("lfs" or "regular"), from its preupload
 * endpoint at `revision`. The Hub answers it only to callers that may write,
 * so this is also the check that the push is allowed, made before any upload.
 */
export async function uploadModes(call: HubCall, revision: string, files: readonly LocalFile[]): Promise<Map<string, "lfs" | "regular">> {
  const modes = new Map<string, "lfs" | "regular">();
  for (let i = 0; i < files.length; i += BATCH) {
    const chunk = files.slice(i, i + BATCH);
    const payload = { files: await Promise.all(chunk.map(async (f) => ({ path: f.path, size: f.size, sample: await sample(f.absPath) }))) };
    const parsed = preuploadSchema.safeParse(await post(call, `${call.hubUrl}/api/models/${call.repo}/preupload/${encodeURIComponent(revision)}`, payload, "application/json"));
    if (!parsed.success) throw badAnswer(call.repo, "preupload");
    for (const file of parsed.data.files) modes.set(file.path, file.uploadMode);
  }
  return modes;
}

/**
 * The LFS objects the Hub does not hold yet, from its LFS batch API: an object
 * it already stores comes back without an upload action. This is what makes a
 * push resumable: after a kill, the large files already sent are not sent again.
 */
export async function missingLfsObjects(call: HubCall, objects: readonly { sha256: string; size: number }[]): Promise<Set<string>> {
  const missing = new Set<string>();
  for (let i = 0; i < objects.length; i += BATCH) {
    const chunk = objects.slice(i, i + BATCH);
    const payload = {
      operation: "upload",
      transfers: ["basic", "multipart"],
      hash_algo: "sha_256",
      ref: { name: call.branch },
      objects: chunk.map((o) => ({ oid: o.sha256, size: o.size })),
    };
    const parsed = batchSchema.safeParse(await post(call, `${call.hubUrl}/${call.repo}.git/info/lfs/objects/batch`, payload, "application/vnd.git-lfs+json"));
    if (!parsed.success) throw badAnswer(call.repo, "LFS batch");
    for (const object of parsed.data.objects) {
      if (object.error) throw new WhetError("hub_lfs_refused", `The Hub refused a large file of ${call.repo}: ${object.error.message.slice(0, 200)}`, "Check the file, then push again.");
      if (object.actions?.upload) missing.add(object.oid);
    }
  }
  return missing;
}

function badAnswer(repo: string, what: string): WhetError {
  return new WhetError("hub_bad_answer", `The Hub's ${what} answer for ${repo} is not in the expected form`, "Check that HF_ENDPOINT points at a Hugging Face Hub.");
}
