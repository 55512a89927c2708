import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";

const tempDir = useTempDirs();
const bin = join(process.cwd(), "bin", "whet.mjs");

async function home() {
  const root = await tempDir();
  await makeModel({ dir: join(root, "home", "workspaces", "chat-ws"), seed: 41 });
  const env = { WHET_HOME: join(root, "home"), HF_HOME: join(root, "hf"), HF_TOKEN: "", HF_HUB_CACHE: "" };
  return { root, env };
}

describe("whet run and whet serve (real binary, real runner)", () => {
  it("answers one prompt as text or as mlx-knife's JSON envelope, and chats interactively", async () => {
    const { root, env } = await home();
    const json = await execa("node", [bin, "run", "chat-ws", "Hello there", "--max-tokens", "9", "--temperature", "0", "--json"], { env, cwd: root, reject: false });
    expect(json.exitCode).toBe(0);
    const envelope = JSON.parse(json.stdout) as { status: string; command: string; data: Record<string, unknown>; error: null };
    expect(envelope).toMatchObject({ status: "success", command: "run", error: null, data: { model: "chat-ws", prompt: "Hello there", tokens_generated: 9, finish_reason: "length" } });
    expect(typeof envelope.data.response).toBe("string");
    expect(envelope.data.generation_time_s).toBeGreaterThan(0);

    // The same prompt streamed to the terminal prints the same greedy reply, then statistics on stderr.
    const text = await execa("node", [bin, "run", "chat-ws", "Hello there", "--max-tokens", "9", "--temperature", "0"], { env, cwd: root });
    expect(text.stdout).toBe(`${String(envelope.data.response)}`);
    expect(text.stderr).toMatch(/\[9 tokens · [\d.]+ tok\/s · first token \d+ ms · max tokens reached\]/);

    const chat = await execa("node", [bin, "run", "chat-ws", "--max-tokens", "4"], { env, cwd: root, input: "Hi\nHow are you?\n/exit\n" });
    expect(chat.stdout.match(/>>> /g)).toHaveLength(3);
    expect(chat.stderr.match(/\[4 tokens/g)).toHaveLength(2);

    const refused = await execa("node", [bin, "run", "chat-ws", "--json"], { env, cwd: root, reject: false });
    expect(refused.exitCode).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: "error", error: { type: "usage_error" } });
    const missing = await execa("node", [bin, "run", "nope", "hi"], { env, cwd: root, reject: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("run: Error: No model found matching 'nope'");
  });

  it("Ctrl-C stops a reply cleanly: the terminal's whole process group gets SIGINT, no crash is reported, no runner is left", async () => {
    const { root, env } = await home();
    // Its own process group, as a shell gives a foreground job: Ctrl-C signals every process in it, the runner too.
    const run = execa("node", [bin, "run", "chat-ws", "Once upon a time", "--max-tokens", "100000", "--temperature", "0", "--repetition-penalty", "1"], { env, cwd: root, reject: false, detached: true });
    onTestFinished(() => void run.kill("SIGKILL"));
    await new Promise<void>((resolve) => run.stdout.once("data", () => resolve()));
    const modelDir = join(root, "home", "workspaces", "chat-ws");
    const bridges = async () => (await execa("pgrep", ["-f", `runner_bridge.py ${modelDir}`], { reject: false })).stdout.trim();
    expect(await bridges()).not.toBe("");
    const pressed = performance.now();
    process.kill(-(run.pid as number), "SIGINT");
    const result = await run;
    expect(performance.now() - pressed).toBeLessThan(5_000);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/\[\d+ tokens .*stopped\]/);
    expect(result.stderr).not.toMatch(/crash|Traceback|KeyboardInterrupt/i);
    expect(await bridges()).toBe("");
  });

  it("serves the API alone with a preloaded model until interrupted", async () => {
    const { root, env } = await home();
    const server = execa("node", [bin, "serve", "--model", "chat-ws", "--port", "0", "--json"], { env, cwd: root, reject: false });
    onTestFinished(() => void server.kill("SIGKILL"));
    const first = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
    const starting = JSON.parse(first) as { status: string; data: { url: string; model: string } };
    expect(starting).toMatchObject({ status: "starting", data: { model: "chat-ws" } });

    const models = (await (await fetch(`${starting.data.url}/models`)).json()) as { data: { id: string; owned_by: string }[] };
    expect(models.data[0]).toMatchObject({ id: "chat-ws", owned_by: "workspace" });
    const reply = await fetch(`${starting.data.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "chat-ws", messages: [{ role: "user", content: "Hi" }], max_tokens: 3 }),
    });
    expect(((await reply.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);

    server.kill("SIGINT");
    const result = await server;
    expect(result.exitCode).toBe(0);
  });
});
