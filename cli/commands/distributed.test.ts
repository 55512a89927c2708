import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../../lib/config";
import { makeModel } from "../../lib/factory/make-model";
import { defaultModelsDir, SMOLLM2 } from "../../lib/smollm2/prepare-smollm2";
import { useTempDirs } from "../../lib/testing/temp-dir";

const tempDir = useTempDirs();
const bin = join(process.cwd(), "bin", "whet.mjs");

async function home() {
  const root = await tempDir();
  const workspace = join(root, "home", "workspaces", "chat-ws");
  await makeModel({ dir: workspace, seed: 42 });
  const env = { WHET_HOME: join(root, "home"), HF_HOME: join(root, "hf"), HF_TOKEN: "", HF_HUB_CACHE: "" };
  return { root, env, workspace };
}

/** Processes of a group still running for a model folder: ranks (the bridge) and mlx.launch name it on their command lines. */
async function groupOf(modelPath: string): Promise<{ launchers: string[]; ranks: string[] }> {
  const { stdout } = await execa("ps", ["-A", "-o", "args="]);
  const lines = stdout.split("\n").filter((l) => l.includes("distributed_bridge.py") && l.includes(modelPath));
  const isLauncher = (l: string) => l.includes("mlx._distributed_utils.launch");
  return { launchers: lines.filter(isLauncher), ranks: lines.filter((l) => !isLauncher(l)) };
}

describe("whet run and whet serve on a group of local ranks", () => {
  it("runs a prompt on 2 ranks (by count and by hostfile), and refuses a split SmolLM2's heads do not allow", async () => {
    const { root, env } = await home();
    const run = await execa("node", [bin, "run", "chat-ws", "Hello there", "--ranks", "2", "--max-tokens", "6", "--temperature", "0", "--json"], { env, cwd: root, reject: false });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "success", data: { model: "chat-ws", tokens_generated: 6, distributed: { ranks: 2, mode: "tensor" } } });

    // The same through --hostfile: mlx.launch reads the file; both entries are this machine, so nothing is contacted.
    const hostfile = join(root, "hosts.json");
    await writeFile(hostfile, JSON.stringify([{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: "127.0.0.1", ips: ["127.0.0.1"] }]));
    const viaHostfile = await execa("node", [bin, "run", "chat-ws", "Hello there", "--hostfile", hostfile, "--max-tokens", "6", "--temperature", "0", "--json"], { env, cwd: root, reject: false });
    expect(JSON.parse(viaHostfile.stdout)).toMatchObject({ status: "success", data: { tokens_generated: 6, distributed: { ranks: 2, hosts: ["127.0.0.1", "127.0.0.1"] } } });

    const smollm2 = join(defaultModelsDir(loadConfig()), SMOLLM2.name);
    const refused = await execa("node", [bin, "serve", "--model", smollm2, "--ranks", "2", "--port", "0", "--json"], { env, cwd: root, reject: false });
    expect(refused.exitCode).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      status: "error",
      error: { type: "tensor_parallel_heads", message: expect.stringContaining("9 attention heads and 3 key/value heads") },
    });

    const usage = await execa("node", [bin, "serve", "--ranks", "3"], { env, cwd: root, reject: false });
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("pass --model too");
    expect((await execa("node", [bin, "run", "chat-ws", "hi", "--ranks", "1"], { env, cwd: root, reject: false })).exitCode).toBe(2);
    const noGroup = await execa("node", [bin, "run", "chat-ws", "hi", "--fetch-shards"], { env, cwd: root, reject: false });
    expect([noGroup.exitCode, noGroup.stderr]).toEqual([2, expect.stringContaining("add --hostfile")]);
    const tensor = await execa("node", [bin, "run", "chat-ws", "hi", "--ranks", "2", "--mode", "tensor", "--fetch-shards"], { env, cwd: root, reject: false });
    expect([tensor.exitCode, tensor.stderr]).toEqual([2, expect.stringContaining("use --mode pipeline")]);
  });

  it("serves the API from a 2-rank group until interrupted, and leaves no rank behind", async () => {
    const { root, env, workspace } = await home();
    const server = execa("node", [bin, "serve", "--model", "chat-ws", "--ranks", "2", "--port", "0", "--json"], { env, cwd: root, reject: false });
    onTestFinished(() => void server.kill("SIGKILL"));
    const first = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
    const starting = JSON.parse(first) as { data: { url: string; distributed: { ranks: number } } };
    expect(starting.data.distributed).toMatchObject({ ranks: 2, mode: "tensor", hosts: ["127.0.0.1", "127.0.0.1"] });

    const reply = await fetch(`${starting.data.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "chat-ws", messages: [{ role: "user", content: "Hi" }], max_tokens: 3 }),
    });
    expect(((await reply.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
    const running = await groupOf(workspace);
    expect([running.launchers.length, running.ranks.length]).toEqual([1, 2]);

    server.kill("SIGINT");
    const ended = await server;
    expect(ended.exitCode).toBe(0);
    expect(await groupOf(workspace)).toEqual({ launchers: [], ranks: [] });
  });
});
