import { WhetError } from "../../lib/errors";
import { normalizeFingerprint } from "../../lib/remote/fingerprint";
import { assertSafeTransport } from "../../lib/remote/remote-fetch";
import { readRemotes, REMOTE_NAME, remotesFile, writeRemotes } from "../../lib/remote/remote-store";
import { UsageError, type Command } from "../command";
import { remoteClient, remoteError } from "../remote/remote-client";
import type { RemoteTarget } from "../remote/remote-target";

const USAGE = "whet remote add NAME URL (--token T | --token-stdin) [--fingerprint SHA256:…] [--insecure] [--offline] | list | remove NAME";

/**
 * Asks the remote who it is before anything is saved, so that a wrong URL,
 * certificate or token is found now rather than at first use. A token the
 * server knows but whose scopes do not include `read` is still a good one.
 */
async function checkRemote(target: RemoteTarget): Promise<string> {
  try {
    const info = await remoteClient(target).system.info.query();
    return `Checked: ${target.url} answers and accepts the token (its Hub: ${info.endpoint}).`;
  } catch (error) {
    const failure = remoteError(error, target);
    if (failure.code === "forbidden") return `Checked: ${target.url} accepts the token (it has no 'read' scope, so only the commands its scopes allow will work).`;
    throw failure;
  }
}

function remoteUrl(value: string | undefined): string {
  if (!value) throw new UsageError("remote add needs NAME and URL, such as https://whetstone.local:3100");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`'${value}' is not a URL: give one such as https://whetstone.local:3100`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError("The URL must start with https:// (or http:// for a Whetstone without TLS)");
  if (url.username || url.password || url.search || url.hash) throw new UsageError("Give the URL without a user, password, query or fragment; the token goes in --token-stdin");
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/**
 * The remote Whetstones this CLI can use (`whet --remote NAME …`): each URL
 * with its API token and, for team mode's self-signed certificate, the pinned
 * fingerprint. The token is read once and kept in a file only its owner can
 * read; nothing prints it again.
 */
export const remoteCommand: Command = {
  name: "remote",
  summary: "Save, list and remove remote Whetstones (URL, API token, certificate fingerprint) for --remote",
  usage: USAGE,
  options: { token: { type: "string" }, "token-stdin": { type: "boolean" }, fingerprint: { type: "string" }, offline: { type: "boolean" }, insecure: { type: "boolean" } },
  async run(positionals, values, ctx) {
    const [action, name, url] = positionals;
    const remotes = await readRemotes(ctx.config.dataDir);
    switch (action) {
      case "add": {
        if (!name || !REMOTE_NAME.test(name)) throw new UsageError("remote add needs a NAME of letters, digits, '.', '_' and '-'");
        const origin = remoteUrl(url);
        if (typeof values.token === "string" && values["token-stdin"] === true) throw new UsageError("Give the token once: --token or --token-stdin");
        const token = values["token-stdin"] === true ? ((await ctx.readInput?.()) ?? "").trim() : typeof values.token === "string" ? values.token.trim() : "";
        if (!token) throw new UsageError("remote add needs the API token: --token-stdin (reads it from standard input) or --token TOKEN");
        if (/\s/.test(token) || token.length > 512) throw new WhetError("invalid_token", "That is not an API token: it has spaces or is too long", "Paste the token `whet tokens create` or the Account page printed, alone on the line.");
        const fingerprint = typeof values.fingerprint === "string" ? normalizeFingerprint(values.fingerprint) : null;
        if (fingerprint && !origin.startsWith("https:")) throw new UsageError("--fingerprint pins a TLS certificate: use an https:// URL");
        const insecure = values.insecure === true;
        assertSafeTransport(new URL(origin), { token, insecure, label: name });
        // --offline: saved unchecked, for a Whetstone that is not running yet.
        const checked = values.offline === true ? null : await checkRemote({ label: name, url: origin, token, fingerprint, insecure });
        await writeRemotes(ctx.config.dataDir, { ...remotes, [name]: { url: origin, token, fingerprint, ...(insecure ? { insecure } : {}) } });
        const data = { name, url: origin, fingerprint, token_saved: true, checked: checked !== null, file: remotesFile(ctx.config.dataDir) };
        return {
          ok: true,
          data,
          human: [...(checked ? [checked] : []), `Saved remote '${name}' → ${origin}${fingerprint ? ` (certificate pinned: ${fingerprint})` : ""}.`, `Use it with \`whet --remote ${name} list\` or WHET_REMOTE=${name}; the token is kept in ${data.file} (readable by you only).`].join("\n"),
        };
      }
      case "list": {
        const rows = Object.entries(remotes).map(([n, r]) => ({ name: n, url: r.url, fingerprint: r.fingerprint, token: r.token ? "saved" : "none" }));
        const human = rows.length ? rows.map((r) => `${r.name.padEnd(16)} ${r.url.padEnd(40)} token ${r.token}${r.fingerprint ? `  pinned ${r.fingerprint.slice(0, 23)}…` : ""}`).join("\n") : "No remotes. Add one with `whet remote add NAME URL --token-stdin`.";
        return { ok: true, data: { remotes: rows, count: rows.length }, human };
      }
      case "remove": {
        if (!name) throw new UsageError("remote remove needs NAME");
        if (!Object.hasOwn(remotes, name)) throw new WhetError("remote_not_found", `No remote named '${name}'`, "List them with `whet remote list`.");
        const { [name]: _removed, ...rest } = remotes;
        await writeRemotes(ctx.config.dataDir, rest);
        return { ok: true, data: { name, removed: true }, human: `Removed remote '${name}' and its token.` };
      }
      default:
        throw new UsageError(action ? `Unknown action '${action}'. ${USAGE}` : USAGE);
    }
  },
};
