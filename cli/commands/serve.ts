import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { allowedHosts, isLoopback, isWildcard, interfaceAddresses } from "../../lib/auth/allowed-hosts";
import { WhetError } from "../../lib/errors";
import { resolveModel } from "../../lib/models/resolve-model";
import { createRunnerPool, runnerName } from "../../lib/runner/runner-pool";
import { openAppDatabase } from "../../lib/store/app-database";
import { ensureSelfSignedCert, fingerprintOf } from "../../lib/tls/self-signed-cert";
import { createAuthServices, type AccessDeps } from "../../server/auth/auth-services";
import { serveOpenAI } from "../../server/openai/standalone-server";
import { UsageError, type Command, type CommandContext } from "../command";
import { GROUP_USAGE, groupOptions, groupRequestFrom, groupText, withFetchedShards } from "../group-options";

const flagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8000),
  host: z.string().min(1).optional(),
  lan: z.boolean().default(false),
  name: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.?)*[A-Za-z0-9]$/, "give a host name such as whetstone.local")
    .optional(),
  tls: z.boolean().default(false),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
});
type Flags = z.infer<typeof flagsSchema>;

function checkExposure(flags: Flags, host: string): void {
  if (!flags.lan && !isLoopback(host)) {
    throw new UsageError(
      `--host ${host} is not a loopback address, and without --lan \`whet serve\` has no authentication: anyone who can reach it could run and load models on this machine. Add --lan to require API tokens (team mode), or leave out --host`,
    );
  }
  if (!flags.lan && (flags.name || flags.tls || flags.cert || flags.key)) throw new UsageError("--name, --tls, --cert and --key are for team mode: add --lan");
  if (Boolean(flags.cert) !== Boolean(flags.key)) throw new UsageError("--cert and --key go together: give both, or neither with --tls for a self-signed certificate");
}

/** Team mode: the accounts and tokens of this machine's Whetstone (the app database), and TLS when asked for. */
async function teamAccess(flags: Flags, host: string, ctx: CommandContext): Promise<{ deps: AccessDeps; tls?: { cert: string; key: string }; fingerprint?: string }> {
  const auth = createAuthServices(openAppDatabase(ctx.config.dataDir), ctx.config);
  if (auth.users.countAdmins() === 0) {
    throw new WhetError(
      "setup_required",
      "Team mode needs accounts, and this Whetstone has no admin yet",
      "Create one with `whet users add NAME --role admin`, then an API token for each client with `whet tokens create NAME --user USER --scopes read,chat`.",
    );
  }
  const useTls = flags.tls || Boolean(flags.cert);
  const files = flags.cert && flags.key ? { cert: flags.cert, key: flags.key, fingerprint: await fingerprintOf(flags.cert) } : null;
  const made =
    useTls && !files
      ? await ensureSelfSignedCert({
          cert: join(ctx.config.dataDir, "tls", "cert.pem"),
          key: join(ctx.config.dataDir, "tls", "key.pem"),
          names: [...(flags.name ? [flags.name] : []), ...(isWildcard(host) ? interfaceAddresses() : [host]), "localhost"],
        })
      : files;
  const deps: AccessDeps = {
    access: { ...ctx.config.access, mode: "team", host, port: flags.port, name: flags.name ?? null, tls: made ? { cert: made.cert, key: made.key, selfSigned: !files } : null, allowedHosts: allowedHosts({ host, port: flags.port, name: flags.name ?? null, tls: Boolean(made) }) },
    auth,
  };
  return { deps, ...(made ? { tls: { cert: await readFile(made.cert, "utf8"), key: await readFile(made.key, "utf8") }, fingerprint: made.fingerprint } : {}) };
}

export const serveCommand: Command = {
  name: "serve",
  summary: "Serve the OpenAI-compatible API alone (no web app); --lan for teammates, with API tokens; --ranks/--hostfile across ranks",
  usage: `whet serve [--model MODEL] [--port 8000] [--host 127.0.0.1] [--lan [--name NAME] [--tls [--cert F --key F]]] ${GROUP_USAGE}`,
  options: {
    model: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    lan: { type: "boolean" },
    name: { type: "string" },
    tls: { type: "boolean" },
    cert: { type: "string" },
    key: { type: "string" },
    ...groupOptions,
  },
  async run(_positionals, values, ctx) {
    const flags = flagsSchema.safeParse(values);
    if (!flags.success) throw new UsageError(`--${String(flags.error.issues[0]?.path[0])}: ${flags.error.issues[0]?.message}`);
    const host = flags.data.host ?? (flags.data.lan ? "0.0.0.0" : "127.0.0.1");
    const { port } = flags.data;
    checkExposure(flags.data, host);
    const team = flags.data.lan ? await teamAccess(flags.data, host, ctx) : null;
    const requested = await groupRequestFrom(values);
    if (requested && typeof values.model !== "string") throw new UsageError("--ranks and --hostfile place the model given with --model: pass --model too");
    const group = await withFetchedShards(values.model as string, requested, values, ctx);
    const roots = { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot };
    // Paths are for the --model typed here; HTTP requests name models (see the OpenAI handlers).
    const pool = createRunnerPool({ config: ctx.config, allowPaths: true });

    let preload: { id: string; spec: string; ownedBy: "workspace" | "hf-cache" } | null = null;
    if (typeof values.model === "string") {
      // Checked before listening, so a typo or an ambiguous name fails at once (mlx-knife does the same).
      const model = await resolveModel(values.model, roots, { allowPaths: true });
      preload = { id: runnerName(values.model, model), spec: values.model, ownedBy: model.kind === "workspace" ? "workspace" : "hf-cache" };
    }
    // The group's plan is checked before listening too: a split that cannot work fails here, with its fix.
    const placed = preload && group ? (await pool.runnerFor(preload.spec, { group })).runner.status().group : null;
    const server = await serveOpenAI({ host, port, roots, ctx: { pool, preload }, ...(team ? { access: team.deps } : {}), ...(team?.tls ? { tls: team.tls } : {}) }).catch(
      (error: NodeJS.ErrnoException) => {
        throw new WhetError("serve_failed", `Cannot listen on ${host}:${port}: ${error.code ?? error.message}`, "Pick another port with --port, or another address with --host.");
      },
    );
    const listening = Number(new URL(server.url).port);
    const distributed = placed ? { ranks: placed.ranks, mode: placed.mode, hosts: placed.hosts } : null;
    const data = { host, port: listening, url: `${server.url}/v1`, model: preload?.id ?? null, mode: team ? "team" : "local", fingerprint: team?.fingerprint ?? null, distributed };
    const on = preload ? ` (model: ${preload.id}${placed ? `, ${groupText(placed)}` : ""})` : "";
    const human = [
      `Serving the OpenAI API at ${server.url}/v1${on}. Ctrl-C stops.`,
      ...(team ? ["Team mode: every request needs an API token (`Authorization: Bearer whet_…`); create one with `whet tokens create`."] : []),
      ...(team?.fingerprint ? [`Certificate SHA-256 fingerprint: ${team.fingerprint}`] : []),
    ];
    ctx.write?.(ctx.json ? `${JSON.stringify({ status: "starting", command: "serve", data, error: null })}\n` : `${human.join("\n")}\n`);
    if (preload) {
      const { runner } = await pool.runnerFor(preload.spec);
      runner.warm();
    }

    await new Promise<void>((resolve) => {
      const release = ctx.onInterrupt?.(() => {
        release?.();
        resolve();
      });
      if (!release) resolve();
    });
    await server.close();
    await pool.stopAll();
    return { ok: true, data: { host, port, model: preload?.id ?? null, distributed, stopped: true }, human: "Stopped." };
  },
  remote: {
    refuse: "serve starts a server on this machine",
    hint: "Use the remote's own OpenAI API at URL/v1 with your token, or drop --remote.",
  },
};
