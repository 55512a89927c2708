import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { DefectId } from "../lib/factory/defects";
import { makeModel } from "../lib/factory/make-model";
import { useTempDirs } from "../lib/testing/temp-dir";

const tempDir = useTempDirs();
const bin = join(process.cwd(), "bin", "whet.mjs");

/** An HF cache holding `acme/<name>` made with `defects`, as any tool could have put it there. */
async function cacheWith(models: Record<string, DefectId[]>) {
  const root = await tempDir();
  for (const [name, defects] of Object.entries(models)) {
    const commit = "c".repeat(40);
    const repo = join(root, "hf", "hub", `models--acme--${name}`);
    await makeModel({ dir: join(repo, "snapshots", commit), defects });
    await mkdir(join(repo, "refs"), { recursive: true });
    await writeFile(join(repo, "refs", "main"), commit);
  }
  return { root, env: { WHET_HOME: join(root, "home"), HF_HOME: join(root, "hf"), HF_TOKEN: "", HF_HUB_CACHE: "" } };
}

async function whet(home: { root: string; env: Record<string, string> }, ...args: string[]) {
  const started = performance.now();
  const result = await execa("node", [bin, ...args, "--json"], { env: home.env, cwd: home.root, reject: false, timeout: 60_000 });
  return { seconds: (performance.now() - started) / 1000, code: result.exitCode, timedOut: result.timedOut, json: JSON.parse(result.stdout || "null") as { status: string; data: Record<string, unknown> } | null };
}

describe("hostile models through the real binary (issue #10)", () => {
  it("lists and health-checks a cache holding hostile chat templates within seconds", async () => {
    const home = await cacheWith({ "loop-chat": ["chat-template-endless-loop"], "range-chat": ["chat-template-huge-range"], "fine-chat": [] });
    const list = await whet(home, "list");
    expect(list.timedOut).toBe(false);
    expect(list.code).toBe(0);
    expect(list.seconds).toBeLessThan(20);
    expect((list.json?.data as { count: number }).count).toBe(3);

    const health = await whet(home, "health", "acme/loop-chat");
    expect(health.code).toBe(0);
    const [report] = (health.json?.data as { healthy: { findings: { id: string; message: string }[] }[] }).healthy;
    expect(report?.findings).toContainEqual(expect.objectContaining({ id: "chat-template-broken", message: expect.stringMatching(/took too long to render/) }));
  });

  it("health-checks and shows a model whose config.json says it has 10^12 layers within seconds", async () => {
    const home = await cacheWith({ "absurd-layers": ["config-layers-absurd"] });
    const health = await whet(home, "health", "acme/absurd-layers");
    expect(health.timedOut).toBe(false);
    expect(health.seconds).toBeLessThan(20);
    const [report] = (health.json?.data as { unhealthy: { findings: { id: string; message: string }[] }[] }).unhealthy;
    expect(report?.findings[0]).toMatchObject({ id: "config-number-invalid", message: "config.json: num_hidden_layers is 1000000000000, more than any real model (max 10000); the file is damaged." });

    const show = await whet(home, "show", "acme/absurd-layers");
    expect(show.code).toBe(0);
    expect(show.json?.data).toMatchObject({ model: { health: "unhealthy" }, metadata: { num_hidden_layers: 1e12 } });
  });
});
