/**
 * Benchmark (not a test): quantize one generated ~2.1 GB bf16 model to 4-bit,
 * group size 64, with Whetstone and with mlx_lm.convert in the same run, and
 * read the source with `cat` as the disk's limit. Prints wall time, peak RSS
 * and throughput (source bytes per second) for each, cold (page cache dropped
 * before each run, when permitted) and warm, and checks that both outputs
 * hold the same tensors.
 *
 *   npm run bench:quantize            (source kept in .tmp/bench between runs)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { execa } from "execa";
import { writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { readSafetensorsHeader } from "../lib/safetensors/read-header";
import { readSpan } from "../lib/safetensors/read-tensor";
import { createHash } from "node:crypto";
import { generateBenchSource } from "./generate-source";

const root = resolve(import.meta.dirname, "..");
const work = join(root, ".tmp", "bench");
const source = join(work, "source");
const python = join(root, ".venv", "bin", "python");

interface Measure {
  seconds: number;
  peakRssMb: number;
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

/** Runs a command under /usr/bin/time: wall seconds and peak resident memory (all threads). */
function measureOnce(command: string, args: string[], env: Record<string, string> = {}): Measure {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %M", command, ...args], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  const last = result.stderr.trim().split("\n").pop() ?? "";
  const [seconds, kb] = last.split(" ").map(Number);
  return { seconds: seconds as number, peakRssMb: (kb as number) / 1024 };
}

/** The run with the median wall time of REPEAT runs, each after `before()`. */
async function measure(before: () => Promise<void>, command: string, args: string[], env: Record<string, string> = {}): Promise<Measure> {
  const runs: Measure[] = [];
  for (let i = 0; i < REPEAT; i++) {
    await before();
    runs.push(measureOnce(command, args, env));
  }
  return runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)] as Measure;
}

function dropCaches(): boolean {
  try {
    execFileSync("sync");
    writeFileSync("/proc/sys/vm/drop_caches", "3");
    return true;
  } catch {
    return false;
  }
}

async function tensorDigests(dir: string): Promise<Map<string, string>> {
  const header = await readSafetensorsHeader(join(dir, "model.safetensors"));
  const out = new Map<string, string>();
  for (const t of header.tensors) out.set(t.name, `${t.dtype}:${t.shape.join("x")}:${createHash("sha256").update(await readSpan(header, t)).digest("hex")}`);
  return out;
}

async function runOnce(label: string, cold: boolean, bytes: number) {
  const ours = join(work, "whet-out");
  const theirs = join(work, "mlx-out");
  const rows: { tool: string; m: Measure }[] = [];
  // Same start for every run: no output folder, no dirty pages being written back, then the cache state asked for.
  const prepare = async (output: string | null) => {
    if (output) await rm(output, { recursive: true, force: true });
    execFileSync("sync");
    if (cold) dropCaches();
    else execFileSync("cat", [join(source, "model.safetensors")], { stdio: ["ignore", "ignore", "ignore"], maxBuffer: 0 });
  };
  await rm(ours, { recursive: true, force: true });
  await rm(theirs, { recursive: true, force: true });
  rows.push({ tool: "cat > /dev/null", m: await measure(() => prepare(null), "sh", ["-c", `cat '${join(source, "model.safetensors")}' > /dev/null`]) });
  rows.push({
    tool: "whetstone",
    m: await measure(() => prepare(ours), "node", [join(root, "bin", "whet.mjs"), "convert", source, ours, "--quantize", "4", "--q-group-size", "64", "--skip-health", "--json"], {
      WHET_HOME: join(work, "home"),
    }),
  });
  rows.push({
    tool: "mlx_lm.convert",
    m: await measure(() => prepare(theirs), python, ["-m", "mlx_lm", "convert", "--hf-path", source, "--mlx-path", theirs, "-q", "--q-bits", "4", "--q-group-size", "64"], {
      HF_HUB_OFFLINE: "1",
      TRANSFORMERS_VERBOSITY: "error",
    }),
  });
  console.log(`\n${label}`);
  console.log(`  ${"tool".padEnd(16)} ${"wall s".padStart(8)} ${"peak RSS MB".padStart(12)} ${"throughput".padStart(12)}`);
  for (const { tool, m } of rows) {
    console.log(`  ${tool.padEnd(16)} ${m.seconds.toFixed(2).padStart(8)} ${m.peakRssMb.toFixed(0).padStart(12)} ${`${(bytes / m.seconds / 1e9).toFixed(2)} GB/s`.padStart(12)}`);
  }
  const [cat, whet, mlx] = rows.map((r) => r.m) as [Measure, Measure, Measure];
  console.log(
    `  speed-up vs mlx_lm.convert ${(mlx.seconds / whet.seconds).toFixed(2)}× (target ≥ 1.5×), ` +
      `RSS ${(whet.peakRssMb / mlx.peakRssMb).toFixed(2)} of mlx_lm's (target ≤ 0.5), ` +
      `${(whet.seconds / cat.seconds).toFixed(2)}× the cat read (target ≤ 2×)`,
  );
  const [a, b] = [await tensorDigests(ours), await tensorDigests(theirs)];
  const differ = [...b].filter(([k, v]) => a.get(k) !== v).map(([k]) => k);
  console.log(`  outputs: ${b.size} tensors each, ${differ.length === 0 && a.size === b.size ? "identical tensor for tensor" : `DIFFERENT: ${differ.slice(0, 5).join(", ")}`}`);
  return rows;
}

async function main() {
  // `whet` runs from its bundle only while the bundle is newer than the sources (else through tsx): build it now.
  await execa("node", [join(root, "scripts", "build-cli.mjs")], { cwd: root });
  console.log(`machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const started = Date.now();
  const { bytes, reused } = await generateBenchSource(source);
  console.log(`source: ${(bytes / 1e9).toFixed(2)} GB bf16 at ${source} (${reused ? "reused" : `generated in ${((Date.now() - started) / 1000).toFixed(1)} s`})`);
  const canDrop = dropCaches();
  if (canDrop) await runOnce("cold page cache (dropped before each run)", true, bytes);
  else console.log("(cannot drop the page cache here: cold runs skipped)");
  await runOnce("warm page cache (source read once before each run)", false, bytes);
}

await main();
