/**
 * Health and repair-index speed against mlx-knife 2.0.8 (the peer, run from
 * .peers/mlx-knife over the project venv), on a generated model of 8 shards and
 * more than 2,000 tensors; plus health over a cache of 200 models.
 *   npm run bench:health
 * Prints medians, ratios and bytes read; both sides are timed in-process, and
 * as whole commands (interpreter start included).
 */
import { mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { loadConfig } from "../lib/config";
import { repairModel } from "../lib/convert/repair-model";
import { makeModel } from "../lib/factory/make-model";
import { checkModel } from "../lib/health/check-model";
import { listModels } from "../lib/models/list-models";
import { readSafetensorsHeader } from "../lib/safetensors/read-header";

const ROOT = join(process.cwd(), ".tmp", "bench-health");
const RUNS = 7;
/** mlx-knife with its convert command enabled, and both tools kept off the real caches. */
const PEER_ENV = { MLXK2_ENABLE_ALPHA_FEATURES: "1", HF_HOME: join(ROOT, "hf"), HF_HUB_OFFLINE: "1", WHET_HOME: join(ROOT, "whet-home") };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function rchar(): Promise<number> {
  const io = await readFile("/proc/self/io", "utf8");
  return Number(/rchar: (\d+)/.exec(io)?.[1] ?? 0);
}

async function timeIt(run: (i: number) => Promise<unknown>): Promise<{ median: number; read: number }> {
  const times: number[] = [];
  let read = 0;
  for (let i = 0; i < RUNS; i++) {
    const before = await rchar();
    const start = performance.now();
    await run(i);
    times.push((performance.now() - start) / 1000);
    read = (await rchar()) - before;
  }
  return { median: median(times), read };
}

/** Median wall time of a whole command run RUNS times; `command(i)` gives the program and arguments of run i. */
async function timeCommand(command: (i: number) => readonly [string, readonly string[]]): Promise<number> {
  const { projectRoot } = loadConfig();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [file, args] = command(i);
    const start = performance.now();
    await execa(file, args, { env: { ...PEER_ENV, PYTHONPATH: join(projectRoot, ".peers", "mlx-knife") }, reject: false });
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

async function mlxKnife(args: string[]): Promise<{ median_s: number; read_bytes: number }> {
  const { python, projectRoot } = loadConfig();
  const { stdout } = await execa(python, [join(projectRoot, "python", "bench_mlx_knife.py"), ...args], {
    env: { ...PEER_ENV, PYTHONPATH: join(projectRoot, ".peers", "mlx-knife") },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as { median_s: number; read_bytes: number };
}

/** A cache of `count` model repos (huggingface_hub layout: blobs, refs/main, snapshot symlinks). */
async function buildCache(hubCache: string, model: string, count: number): Promise<void> {
  const files = await readdir(model);
  for (let i = 0; i < count; i++) {
    const repo = join(hubCache, `models--bench--model-${String(i).padStart(3, "0")}`);
    const commit = i.toString(16).padStart(40, "0");
    await mkdir(join(repo, "snapshots", commit), { recursive: true });
    await mkdir(join(repo, "blobs"), { recursive: true });
    await mkdir(join(repo, "refs"), { recursive: true });
    await writeFile(join(repo, "refs", "main"), commit);
    for (const file of files) {
      const blob = join(repo, "blobs", file);
      await writeFile(blob, await readFile(join(model, file)));
      await symlink(`../../blobs/${file}`, join(repo, "snapshots", commit, file));
    }
  }
}

async function main(): Promise<void> {
  // `whet` runs from its bundle only while the bundle is newer than the sources (else through tsx): build it now.
  await execa("node", [join(loadConfig().projectRoot, "scripts", "build-cli.mjs")], { cwd: loadConfig().projectRoot });
  await rm(ROOT, { recursive: true, force: true });
  const model = join(ROOT, "model");
  // 223 layers × 9 tensors + 3 = 2,010 tensors in 8 shards, with the index naming a stale layout.
  await makeModel({ dir: model, shards: 8, shape: { layers: 223 }, defects: ["index-missing-shards"] });
  const shards = (await readdir(model)).filter((f) => f.endsWith(".safetensors"));
  let headerBytes = 0;
  let tensors = 0;
  for (const shard of shards) {
    const header = await readSafetensorsHeader(join(model, shard));
    headerBytes += header.bytesRead;
    tensors += header.tensors.length;
  }

  const report = await checkModel(model);
  const whetHealth = await timeIt(() => checkModel(model));
  const peerHealth = await mlxKnife(["health", model, String(RUNS)]);
  const whetRepair = await timeIt((i) =>
    repairModel({ source: model, target: join(ROOT, `whet-fixed-${i}`), mode: "repair-index", roots: { hubCache: join(ROOT, "hf", "hub"), hfHome: join(ROOT, "hf") } }),
  );
  const peerRepair = await mlxKnife(["repair", model, join(ROOT, "mlxk-fixed"), String(RUNS)]);

  // Whole commands as a user runs them (interpreter start included): both CLIs, same model.
  const whetCli = (args: string[]) => ["node", [join(loadConfig().projectRoot, "bin", "whet.mjs"), ...args, "--json"]] as const;
  const mlxkCli = (args: string[]) => [loadConfig().python, ["-m", "mlxk2.cli", ...args, "--json"]] as const;
  const cliHealth = { whet: await timeCommand(() => whetCli(["health", model])), mlxk: await timeCommand(() => mlxkCli(["health", model])) };
  const cliRepair = {
    whet: await timeCommand((i) => whetCli(["convert", model, join(ROOT, `whet-cli-${i}`), "--repair-index"])),
    mlxk: await timeCommand((i) => mlxkCli(["convert", model, join(ROOT, `mlxk-cli-${i}`), "--repair-index"])),
  };

  const cacheModel = join(ROOT, "small");
  await makeModel({ dir: cacheModel, shards: 2 });
  const hubCache = join(ROOT, "cache", "hub");
  await buildCache(hubCache, cacheModel, 200);
  const cacheHealth = await timeIt(() => listModels({ hubCache, workspaceRoot: join(ROOT, "no-workspaces") }));

  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  console.log(`Model: ${shards.length} shards, ${tensors} tensors, ${headerBytes} header bytes; health finds ${report.findings.map((f) => f.id).join(", ")}`);
  console.log(`health        whet ${ms(whetHealth.median)}   mlx-knife ${ms(peerHealth.median_s)}   speed-up ${(peerHealth.median_s / whetHealth.median).toFixed(2)}x (target >= 10x; mlx-knife reads no safetensors header)`);
  console.log(`  bytes read: whet ${report.bytesRead} (of which safetensors ${headerBytes}, = header bytes), syscall rchar ${whetHealth.read}; mlx-knife rchar ${peerHealth.read_bytes}`);
  console.log(`repair-index  whet ${ms(whetRepair.median)}   mlx-knife ${ms(peerRepair.median_s)}   speed-up ${(peerRepair.median_s / whetRepair.median).toFixed(2)}x (target >= 10x)`);
  console.log(`whole commands (process start to exit):`);
  console.log(`  whet health ${ms(cliHealth.whet)}   mlxk health ${ms(cliHealth.mlxk)}   speed-up ${(cliHealth.mlxk / cliHealth.whet).toFixed(2)}x`);
  console.log(`  whet convert --repair-index ${ms(cliRepair.whet)}   mlxk convert --repair-index ${ms(cliRepair.mlxk)}   speed-up ${(cliRepair.mlxk / cliRepair.whet).toFixed(2)}x`);
  console.log(`health of a 200-model cache (list with full health): ${ms(cacheHealth.median)} (target < 1 s)`);
}

await main();
