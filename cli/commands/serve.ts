import { z } from "zod";
import { WhetError } from "../../lib/errors";
import { resolveModel } from "../../lib/models/resolve-model";
import { createRunnerPool, runnerName } from "../../lib/runner/runner-pool";
import { serveOpenAI } from "../../server/openai/standalone-server";
import { UsageError, type Command } from "../command";
import { GROUP_USAGE, groupOptions, groupRequestFrom, groupText } from "../group-options";

const flagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8000),
  host: z.string().min(1).default("127.0.0.1"),
});

export const serveCommand: Command = {
  name: "serve",
  summary: "Serve the OpenAI-compatible API alone (no web app), optionally with a model preloaded",
  usage: `whet serve [--model MODEL] [--port 8000] [--host 127.0.0.1] ${GROUP_USAGE}`,
  options: { model: { type: "string" }, port: { type: "string" }, host: { type: "string" }, ...groupOptions },
  async run(_positionals, values, ctx) {
    const flags = flagsSchema.safeParse({ port: values.port, host: values.host });
    if (!flags.success) throw new UsageError(`--${String(flags.error.issues[0]?.path[0])}: ${flags.error.issues[0]?.message}`);
    const { port, host } = flags.data;
    const group = await groupRequestFrom(values);
    if (group && typeof values.model !== "string") throw new UsageError("--ranks and --hostfile place the model given with --model: pass --model too");
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
    const server = await serveOpenAI({ host, port, roots, ctx: { pool, preload } }).catch((error: NodeJS.ErrnoException) => {
      throw new WhetError("serve_failed", `Cannot listen on ${host}:${port}: ${error.code ?? error.message}`, "Pick another port with --port.");
    });
    const distributed = placed ? { ranks: placed.ranks, mode: placed.mode, hosts: placed.hosts } : null;
    const starting = { status: "starting", command: "serve", data: { host, port: Number(new URL(server.url).port), url: `${server.url}/v1`, model: preload?.id ?? null, distributed }, error: null };
    const on = preload ? ` (model: ${preload.id}${placed ? `, ${groupText(placed)}` : ""})` : "";
    ctx.write?.(ctx.json ? `${JSON.stringify(starting)}\n` : `Serving the OpenAI API at ${server.url}/v1${on}. Ctrl-C stops.\n`);
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
};
