import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { WhetError } from "../errors";

/** A name for a remote Whetstone: short, no path or shell characters. */
export const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const remoteSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1).max(512).nullable(),
  /** The pinned SHA-256 of a self-signed certificate, `AB:CD:…`; null trusts the system's certificate authorities. */
  fingerprint: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/).nullable(),
  /** Saved with --insecure: the token may cross the network unencrypted (http:// to another machine). */
  insecure: z.boolean().optional(),
});
const fileSchema = z.object({ remotes: z.record(z.string().regex(REMOTE_NAME), remoteSchema) });

export type Remote = z.infer<typeof remoteSchema>;

/** The file holds API tokens: only its owner may read it. */
export const remotesFile = (dataDir: string) => join(dataDir, "remotes.json");

export async function readRemotes(dataDir: string): Promise<Record<string, Remote>> {
  const text = await readFile(remotesFile(dataDir), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (text === null) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = null;
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WhetError("invalid_remotes_file", `${remotesFile(dataDir)} is not a valid list of remotes`, "Remove the file and add the remotes again with `whet remote add NAME URL --token-stdin`.");
  }
  return parsed.data.remotes;
}

export async function writeRemotes(dataDir: string, remotes: Record<string, Remote>): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = remotesFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ remotes }, null, 2)}\n`, { mode: 0o600 });
  // An umask cannot widen it, but a file created by hand before could be wider.
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
