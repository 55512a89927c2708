import type { WhetConfig } from "../../lib/config";
import { WhetError } from "../../lib/errors";
import { normalizeFingerprint } from "../../lib/remote/fingerprint";
import { readRemotes } from "../../lib/remote/remote-store";

/** Where the CLI sends a command: a saved remote, or one given in full by WHET_URL and WHET_TOKEN. */
export interface RemoteTarget {
  /** The remote's name, or `WHET_URL`: how messages and fixes name it. */
  label: string;
  url: string;
  token: string | null;
  fingerprint: string | null;
  insecure?: boolean;
}

/** `--remote NAME` first, then WHET_REMOTE, then WHET_URL; null runs the command on this machine. */
export async function resolveRemote(flag: string | null, config: WhetConfig): Promise<RemoteTarget | null> {
  const name = flag ?? config.remote.name;
  if (name) {
    const remote = (await readRemotes(config.dataDir))[name];
    if (!remote) {
      throw new WhetError("remote_not_found", `No remote named '${name}'`, "List them with `whet remote list`, or add one with `whet remote add NAME URL --token-stdin`.");
    }
    return { label: name, ...remote };
  }
  if (!config.remote.url) return null;
  return {
    label: "WHET_URL",
    url: config.remote.url,
    token: config.remote.token,
    fingerprint: config.remote.fingerprint ? normalizeFingerprint(config.remote.fingerprint) : null,
    insecure: config.remote.insecure,
  };
}
