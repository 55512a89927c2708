import { readFile } from "node:fs/promises";
import { join } from "node:path";
import OpenAI from "openai";
import { loadConfig } from "../lib/config";
import { makeModel } from "../lib/factory/make-model";
import { createRunnerPool, type RunnerPool } from "../lib/runner/runner-pool";
import { serveOpenAI } from "../server/openai/standalone-server";

export interface LoadReport {
  streams: number;
  dropped: number;
  /** Streams whose text differs from the same prompt answered alone (tokens crossing streams). */
  crossed: number;
  peakRunnerRssMb: number;
  /** From aborting a stream mid-reply to the runner being free for the next request. */
  abandonStopMs: number;
  seconds: number;
}

async function rssMb(pid: number | null): Promise<number> {
  if (!pid) return 0;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function collect(client: OpenAI, prompt: string, maxTokens: number): Promise<string> {
  const stream = await client.chat.completions.create({
    model: "loaded",
    messages: [{ role: "user", content: prompt }],
    max_tokens: maxTokens,
    temperature: 0,
    stream: true,
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

async function waitIdle(pool: RunnerPool, limitMs: number): Promise<number> {
  const started = performance.now();
  while (pool.list().some((r) => r.busy)) {
    if (performance.now() - started > limitMs) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - started;
}

/**
 * The load drill: `streams` chat streams at once through the OpenAI API
 * (`whet serve`'s server and runner pool) on a factory model. Every stream
 * must finish with exactly the text the same prompt gets alone (greedy), the
 * runner's memory is sampled throughout, and a stream abandoned mid-reply must
 * free the runner within a second.
 */
export async function loadDrill(params: { root: string; streams: number; maxTokens: number }): Promise<LoadReport> {
  const workspaceRoot = join(params.root, "workspaces");
  await makeModel({ dir: join(workspaceRoot, "loaded"), seed: 5 });
  const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot, hubCache: join(params.root, "hub") } });
  const server = await serveOpenAI({ host: "127.0.0.1", port: 0, roots: { workspaceRoot, hubCache: join(params.root, "hub") }, ctx: { pool } });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "local", maxRetries: 0, timeout: 120_000 });
  let peak = 0;
  const sampler = setInterval(() => {
    void Promise.all(pool.list().map((r) => rssMb(r.pid))).then((values) => {
      peak = Math.max(peak, ...values);
    });
  }, 50);
  try {
    const prompts = Array.from({ length: params.streams }, (_, i) => `Stream ${i}: say something about the number ${i * 7 + 3}.`);
    const alone: string[] = [];
    for (const prompt of prompts) alone.push(await collect(client, prompt, params.maxTokens));

    const started = performance.now();
    const together = await Promise.allSettled(prompts.map((prompt) => collect(client, prompt, params.maxTokens)));
    const seconds = (performance.now() - started) / 1000;
    const dropped = together.filter((r) => r.status === "rejected").length;
    const crossed = together.filter((r, i) => r.status === "fulfilled" && r.value !== alone[i]).length;

    // A client that goes away mid-reply: the runner must stop generating for it at once.
    const controller = new AbortController();
    const long = await client.chat.completions.create(
      { model: "loaded", messages: [{ role: "user", content: "Go on forever." }], max_tokens: 100_000, temperature: 0, stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of long) {
        if (chunk.choices[0]?.delta.content && ++seen === 2) break;
      }
    } catch {
      // The abort ends the iteration.
    }
    controller.abort();
    const abandonStopMs = await waitIdle(pool, 10_000);
    return { streams: params.streams, dropped, crossed, peakRunnerRssMb: Math.round(peak), abandonStopMs: Math.round(abandonStopMs), seconds };
  } finally {
    clearInterval(sampler);
    await server.close();
    await pool.stopAll();
  }
}
