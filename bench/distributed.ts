/**
 * Distributed serving on one machine: tokens per second and time to first
 * token of one process against 3-rank tensor-parallel groups (and 2 ranks for
 * the factory model: as many ranks as this 2-core machine has cores) started
 * with mlx.launch (ring backend over loopback), through Whetstone's runner as
 * the app uses it.
 *   npm run bench:distributed
 * On one machine the ranks share its cores and talk over loopback: this
 * measures what splitting costs, never a speed-up (docs/distributed.md models
 * several machines). Also measured: the latency of one all-reduce of a
 * hidden-size activation (tensor parallel runs two per layer per token), and
 * how far the group's log-probabilities of the single process's greedy tokens
 * move (bf16 partial sums are added in another order).
 * Models: SmolLM2-135M-Instruct (30 layers, 9 heads, 3 key/value heads) when
 * set-up prepared it, and a 2-layer factory model with 6 heads (per-token
 * overhead with few collectives). Writes bench/out/distributed.json.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { loadConfig } from "../lib/config";
import { createDistributedRunner } from "../lib/distributed/distributed-runner";
import { freePortBlock } from "../lib/distributed/free-ports";
import { checkPlan } from "../lib/distributed/plan-check";
import { makeModel } from "../lib/factory/make-model";
import { generationParamsSchema } from "../lib/runner/generation-params";
import { createModelRunner, type ModelRunner } from "../lib/runner/model-runner";
import { defaultModelsDir, SMOLLM2 } from "../lib/smollm2/prepare-smollm2";

const ROOT = join(process.cwd(), ".tmp", "bench-distributed");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROMPT = { messages: [{ role: "user" as const, content: "Explain in a few sentences how a whetstone sharpens a knife." }] };
const config = loadConfig();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

interface Timing {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
}

async function once(runner: ModelRunner, maxTokens: number): Promise<Timing> {
  const params = generationParamsSchema.parse({ maxTokens, temperature: 0, repetitionPenalty: null });
  for await (const event of runner.generate(PROMPT, params)) {
    if (event.type === "done") return { ttftMs: event.timings.ttftMs ?? 0, tokensPerSecond: event.timings.tokensPerSecond ?? 0, tokens: event.usage.completionTokens };
  }
  throw new Error("the reply ended without done");
}

/** The collectives helper alone (1 rank) or under mlx.launch (N ranks). */
async function collectives(modelPath: string, ranks: number, tokens: number[]) {
  const script = join(config.projectRoot, "bench", "distributed_collectives.py");
  const args = [script, modelPath, JSON.stringify(tokens)];
  const launch = ["-c", "import sys; from mlx._distributed_utils.launch import main; sys.argv[0] = 'mlx.launch'; sys.exit(main())"];
  const command =
    ranks === 1 ? args : [...launch, "--backend", "ring", "-n", String(ranks), "--starting-port", String(await freePortBlock(ranks, "127.0.0.1")), "--python", config.python, "--", ...args];
  const { stdout } = await execa(config.python, command, { env: { HF_HUB_OFFLINE: "1", TRANSFORMERS_VERBOSITY: "error" } });
  return JSON.parse(stdout.trim().split("\n").filter((l) => l.startsWith("{")).at(-1) as string) as { all_reduce_us: number; tokens: number[]; logprobs: number[]; greedy: number[] };
}

/** Each rank count's runner loaded and warmed, then timed in rotating order within each round (they share the machine's load). */
async function benchModel(name: string, modelPath: string, maxTokens: number, rankCounts: number[]) {
  const runners = new Map<number, ModelRunner>();
  for (const ranks of rankCounts) {
    const plan = ranks > 1 ? await checkPlan({ modelPath, name, request: { ranks }, config }) : null;
    runners.set(ranks, plan ? createDistributedRunner({ name, modelPath, config, plan }) : createModelRunner({ name, modelPath, config }));
  }
  const runs = new Map<number, Timing[]>(rankCounts.map((r) => [r, []]));
  try {
    // Loading is not what this measures: each runner loads and answers once first.
    for (const runner of runners.values()) await once(runner, 2);
    for (let round = 0; round < ROUNDS; round++) {
      const order = rankCounts.map((_, i) => rankCounts[(i + round) % rankCounts.length] as number);
      for (const ranks of order) runs.get(ranks)?.push(await once(runners.get(ranks) as ModelRunner, maxTokens));
      process.stdout.write(".");
    }
  } finally {
    await Promise.all([...runners.values()].map((r) => r.stop()));
  }
  process.stdout.write("\n");
  return rankCounts.map((ranks) => {
    const r = runs.get(ranks) ?? [];
    return { ranks, ttftMs: median(r.map((t) => t.ttftMs)), tokensPerSecond: median(r.map((t) => t.tokensPerSecond)), tokens: median(r.map((t) => t.tokens)) };
  });
}

async function main() {
  await rm(ROOT, { recursive: true, force: true });
  await mkdir(join(process.cwd(), "bench", "out"), { recursive: true });
  // Six heads and six key/value heads: 2 and 3 ranks both divide them.
  const tiny = join(ROOT, "tiny-6-heads");
  await makeModel({ dir: tiny, seed: 3, shape: { hiddenSize: 96, heads: 6, kvHeads: 6, intermediateSize: 192 } });
  const smollm2 = join(defaultModelsDir(config), SMOLLM2.name);
  const models: [string, string, number, number[]][] = [["factory model (2 layers)", tiny, 64, [1, 2, 3]]];
  if (existsSync(join(smollm2, "config.json"))) models.unshift(["SmolLM2-135M-Instruct (30 layers)", smollm2, 24, [1, 3]]);
  else console.log("SmolLM2 is not prepared (npm run setup needs PyPI once); benchmarking the factory model only.");

  const results: Record<string, unknown> = {};
  const rows: Record<string, Record<string, string | number>> = {};
  for (const [name, path, maxTokens, rankCounts] of models) {
    console.log(`${name}: ${ROUNDS} rounds of up to ${maxTokens} greedy tokens on ${rankCounts.join(", ")} rank(s), in rotating order`);
    const timing = await benchModel(name, path, maxTokens, rankCounts);
    results[name] = timing;
    for (const t of timing) {
      rows[`${name}, ${t.ranks} rank${t.ranks > 1 ? "s" : ""}`] = { "tokens/s": t.tokensPerSecond, "first token (ms)": Math.round(t.ttftMs), tokens: t.tokens };
    }
  }
  console.table(rows);

  if (models[0]?.[1] === smollm2) {
    const alone = await collectives(smollm2, 1, []);
    const split = await collectives(smollm2, 3, alone.tokens);
    const deltas = alone.logprobs.map((v, i) => Math.abs(v - (split.logprobs[i] ?? Number.NaN)));
    const check = {
      allReduceMicroseconds: { "1 rank": alone.all_reduce_us, "3 ranks": split.all_reduce_us },
      sameGreedyTokens: JSON.stringify(split.greedy) === JSON.stringify(alone.tokens),
      maxAbsLogprobDelta: Math.max(...deltas),
      meanAbsLogprobDelta: deltas.reduce((a, b) => a + b, 0) / deltas.length,
    };
    results.collectives = check;
    console.log(
      `SmolLM2, 16 greedy tokens re-scored by 3 ranks: same argmax at every step: ${check.sameGreedyTokens}; |Δ log p| max ${check.maxAbsLogprobDelta.toFixed(3)}, mean ${check.meanAbsLogprobDelta.toFixed(3)} nats.`,
    );
    console.log(`One all-reduce of 576 bf16 values among 3 ranks on this machine: ${split.all_reduce_us} µs (SmolLM2 runs 60 per token).`);
  }
  await writeFile(join(process.cwd(), "bench", "out", "distributed.json"), `${JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, results }, null, 2)}\n`);
  console.log("One machine: the ranks share its cores and loopback, so this is the cost of splitting, not a speed-up. Written to bench/out/distributed.json.");
}

await main();
