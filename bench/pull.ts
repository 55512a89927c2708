/**
 * Benchmark (not a test): download one generated 2.1 GB repo (4 safetensors
 * shards of 512 MiB of random bytes, plus config, index and tokenizer files)
 * from the Hub fixture on 127.0.0.1 with `whet pull` and with Python
 * huggingface_hub's snapshot_download in the same run, and read the source
 * with `cat` as the disk's limit (warm: the page cache cannot be dropped here).
 * Prints wall time, peak RSS and throughput (medians of 5 rounds, the tools
 * alternating, each into a fresh cache), and how much a pull killed half-way
 * fetches again when run a second time; every copy is checked byte for byte
 * (sha256) against the source before its figures count.
 *
 *   npm run bench:pull            (source kept in bench/out/pull-source between runs)
 */
import { execFileSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { parseRange } from "../lib/hub-fixture/parse-range";
import { startHubFixture, type HubFixture } from "../lib/hub-fixture/start-hub-fixture";

const root = resolve(import.meta.dirname, "..");
const OUT = join(root, "bench", "out");
const SOURCE = join(OUT, "pull-source");
/** Written last, outside the repo folder (the fixture serves every file in it): its presence means the source is whole. */
const SOURCE_MANIFEST = join(OUT, "pull-source.json");
const RUNS = join(OUT, "pull-runs");
const REPO = "bench/pull-2g";
const SHARDS = 4;
const SHARD_BYTES = 512 * 2 ** 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CDN_MBPS = Number(process.env.BENCH_CDN_MBPS ?? 40);
const PYTHON = process.env.WHET_PYTHON ?? join(root, ".venv", "bin", "python");
const HUB_CLIENT = join(root, "python", "interop", "hub_client.py");
const WHET = join(root, ".build", "whet.mjs");

interface Source {
  bytes: number;
  sizes: Record<string, number>;
  digests: Record<string, string>;
}

interface Measure {
  seconds: number;
  peakRssMb: number;
}

interface Tool {
  name: string;
  command: (env: RunEnv) => [string, string[]];
}

interface RunEnv {
  dir: string;
  hubCache: string;
  whetHome: string;
  env: Record<string, string>;
}

const PYTHON_TOOL: Tool = {
  name: "snapshot_download",
  command: () => [PYTHON, [HUB_CLIENT, "snapshot-download", "--repo", REPO, "--revision", "main"]],
};
const WHET_TOOL: Tool = { name: "whet pull", command: () => ["node", [WHET, "pull", REPO, "--json"]] };

/** A repo the size of a small model: big LFS shards of random bytes (nothing to compress or dedupe) and the usual small files. */
async function generateSource(): Promise<Source & { reused: boolean }> {
  if (existsSync(SOURCE_MANIFEST)) return { ...(JSON.parse(await readFile(SOURCE_MANIFEST, "utf8")) as Source), reused: true };
  await rm(SOURCE, { recursive: true, force: true });
  await mkdir(SOURCE, { recursive: true });
  const source: Source = { bytes: 0, sizes: {}, digests: {} };
  const add = async (name: string, bytes: Buffer | Iterable<Buffer>) => {
    const hash = createHash("sha256");
    const handle = await open(join(SOURCE, name), "w");
    let size = 0;
    try {
      for (const chunk of Buffer.isBuffer(bytes) ? [bytes] : bytes) {
        hash.update(chunk);
        await handle.write(chunk);
        size += chunk.byteLength;
      }
    } finally {
      await handle.close();
    }
    source.sizes[name] = size;
    source.digests[name] = hash.digest("hex");
    source.bytes += size;
  };

  const weightMap: Record<string, string> = {};
  for (let i = 1; i <= SHARDS; i++) {
    const name = `model-${String(i).padStart(5, "0")}-of-${String(SHARDS).padStart(5, "0")}.safetensors`;
    const tensor = `model.layers.${i - 1}.weight`;
    weightMap[tensor] = name;
    await add(name, safetensorsShard(tensor, SHARD_BYTES));
  }
  const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  await add("model.safetensors.index.json", json({ metadata: { total_size: SHARDS * SHARD_BYTES }, weight_map: weightMap }));
  await add("config.json", json({ architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: 2048, num_hidden_layers: SHARDS, vocab_size: 150_000 }));
  await add("generation_config.json", json({ bos_token_id: 1, eos_token_id: 2 }));
  await add("tokenizer_config.json", json({ tokenizer_class: "PreTrainedTokenizerFast", bos_token: "<s>", eos_token: "</s>" }));
  // A vocabulary of 150k tokens: a few MB, under the Hub's 10 MB LFS line, like real tokenizer.json files.
  const vocab = Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`tok${i.toString(36)}`, i]));
  await add("tokenizer.json", json({ version: "1.0", model: { type: "BPE", vocab, merges: [] } }));
  await writeFile(SOURCE_MANIFEST, JSON.stringify(source));
  return { ...source, reused: false };
}

function* safetensorsShard(tensor: string, bytes: number): Generator<Buffer> {
  let header = JSON.stringify({ __metadata__: { format: "pt" }, [tensor]: { dtype: "U8", shape: [bytes], data_offsets: [0, bytes] } });
  header += " ".repeat((8 - (header.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  yield Buffer.concat([length, Buffer.from(header)]);
  const chunk = Buffer.alloc(16 * 2 ** 20);
  for (let left = bytes; left > 0; left -= chunk.byteLength) yield randomFillSync(chunk).subarray(0, Math.min(left, chunk.byteLength));
}

/** A fresh cache, home and environment for one run: no user token, config or cache can leak in. */
async function freshRun(hub: HubFixture, label: string): Promise<RunEnv> {
  const dir = join(RUNS, label);
  await rm(dir, { recursive: true, force: true });
  const home = join(dir, "home");
  const hubCache = join(dir, "hub");
  const whetHome = join(dir, "whet-home");
  await mkdir(home, { recursive: true });
  return {
    dir,
    hubCache,
    whetHome,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      HF_HOME: home,
      HF_HUB_CACHE: hubCache,
      HF_ENDPOINT: hub.url,
      HF_HUB_DISABLE_XET: "1",
      HF_HUB_DISABLE_TELEMETRY: "1",
      HF_HUB_DISABLE_PROGRESS_BARS: "1",
      HF_HUB_DISABLE_UPDATE_CHECK: "1",
      WHET_HOME: whetHome,
      WHET_PROJECT_ROOT: root,
    },
  };
}

interface Outcome {
  measure: Measure;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Wall time and peak resident memory of one whole command: GNU time where installed, else /proc's VmHWM polled. */
async function measured([file, args]: [string, string[]], env: Record<string, string>): Promise<Outcome> {
  if (existsSync("/usr/bin/time")) {
    const result = await execa("/usr/bin/time", ["-f", "%e %M", file, ...args], { env, extendEnv: false, reject: false });
    const lines = result.stderr.trimEnd().split("\n");
    const [seconds, kb] = (lines.at(-1) ?? "").split(" ").map(Number);
    return { measure: { seconds: seconds ?? NaN, peakRssMb: (kb ?? NaN) / 1024 }, exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: lines.slice(0, -1).join("\n") };
  }
  const started = performance.now();
  const child = execa(file, args, { env, extendEnv: false, reject: false });
  let peakKb = 0;
  const poll = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, "utf8")
      .then((status) => (peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))))
      .catch(() => undefined);
  }, 20);
  const result = await child;
  clearInterval(poll);
  return { measure: { seconds: (performance.now() - started) / 1000, peakRssMb: peakKb / 1024 }, exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Why whet could not pull, when it could not: the --json envelope's error, or the exit status. */
function failure(outcome: Outcome): string | null {
  if (outcome.exitCode === 0) return null;
  try {
    const envelope = JSON.parse(outcome.stdout) as { error?: { type?: string; message?: string } };
    if (envelope.error) return `${envelope.error.type}: ${envelope.error.message}`;
  } catch {
    // Not an envelope: the exit status and stderr say it.
  }
  return `exit ${outcome.exitCode}: ${outcome.stderr.trim().split("\n").at(-1) ?? ""}`;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 2 ** 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The snapshot holds exactly the source's files, each with the source's sha256 (symlinks followed, as a user opens them). */
async function sameAsSource(snapshot: string, source: Source): Promise<string | null> {
  const found: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    for (const name of await readdir(join(snapshot, prefix)).catch(() => [] as string[])) {
      const path = prefix ? `${prefix}/${name}` : name;
      if ((await stat(join(snapshot, path))).isDirectory()) await walk(path);
      else found.push(path);
    }
  };
  await walk("");
  const expected = Object.keys(source.digests).sort();
  if (found.sort().join("\n") !== expected.join("\n")) return `files differ: got ${found.length}, expected ${expected.length}`;
  for (const path of expected) {
    if ((await sha256File(join(snapshot, path))) !== source.digests[path]) return `${path} differs`;
  }
  return null;
}

/** Bytes on disk below `dir`: allocated blocks, so a file sized in advance counts only what was written. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    const info = await lstat(path).catch(() => null);
    if (info?.isDirectory()) total += await folderBytes(path);
    else if (info?.isFile()) total += Math.min(info.size, info.blocks * 512);
  }
  return total;
}

/** Body bytes the fixture was asked for by file downloads (GET resolve), from each request's path and Range header. */
function requestedBytes(requests: HubFixture["requests"], source: Source): number {
  let total = 0;
  for (const request of requests) {
    const match = /^\/[^/]+\/[^/]+\/resolve\/[^/]+\/([^?]+)/.exec(request.path);
    if (request.method !== "GET" || !match?.[1]) continue;
    const size = source.sizes[decodeURIComponent(match[1])];
    if (size === undefined) continue;
    const range = parseRange(request.headers.range, size);
    total += range.kind === "whole" ? size : range.kind === "part" ? range.end - range.start + 1 : 0;
  }
  return total;
}

interface Resume {
  completed: number;
  again: number;
  verdict: string | null;
}

/** Kills the tool once half the bytes are on disk, runs it again, and counts what the second run fetched of what was already there. */
async function resumeRun(hub: HubFixture, tool: Tool, source: Source, commit: string): Promise<Resume | string> {
  const run = await freshRun(hub, `resume-${tool.name.replace(/\W+/g, "-")}`);
  const [file, args] = tool.command(run);
  const first = execa(file, args, { env: run.env, extendEnv: false, reject: false, stdio: "ignore" });
  let running = true;
  void first.finally(() => (running = false));
  while (running) {
    const onDisk = (await folderBytes(run.hubCache)) + (await folderBytes(run.whetHome));
    if (onDisk >= source.bytes / 2) {
      first.kill("SIGKILL");
      break;
    }
    await new Promise((wake) => setTimeout(wake, 20));
  }
  const ended = await first;
  if (ended.signal !== "SIGKILL") {
    return ended.exitCode === 0 ? "finished before half the bytes were on disk" : `first run failed (exit ${ended.exitCode})`;
  }
  const completed = (await folderBytes(run.hubCache)) + (await folderBytes(run.whetHome));
  const mark = hub.requests.length;
  const second = await measured(tool.command(run), run.env);
  const why = failure(second);
  if (why) return `second run failed: ${why}`;
  const served = requestedBytes(hub.requests.slice(mark), source);
  const verdict = await sameAsSource(snapshotPath(run, commit), source);
  await rm(run.dir, { recursive: true, force: true });
  return { completed, again: Math.max(0, served - (source.bytes - completed)), verdict };
}

function snapshotPath(run: RunEnv, commit: string): string {
  return join(run.hubCache, `models--${REPO.replace("/", "--")}`, "snapshots", commit);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  // `whet` runs from its bundle: build it from the sources now.
  await execa("node", [join(root, "scripts", "build-cli.mjs")], { cwd: root });
  console.log(`machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const started = Date.now();
  const source = await generateSource();
  const files = Object.keys(source.sizes);
  console.log(
    `source: ${(source.bytes / 1e9).toFixed(2)} GB in ${files.length} files (${SHARDS} shards of ${SHARD_BYTES / 2 ** 20} MiB) at ${SOURCE} ` +
      `(${source.reused ? "reused" : `generated in ${((Date.now() - started) / 1000).toFixed(1)} s`})`,
  );
  const hub = await startHubFixture({ repos: [{ id: REPO, revisions: [{ dir: SOURCE }] }] });
  try {
    const commit = ((await (await fetch(`${hub.url}/api/models/${REPO}/revision/main`)).json()) as { sha: string }).sha;
    const cat: Measure[] = [];
    const times: Record<string, Measure[]> = { [PYTHON_TOOL.name]: [], [WHET_TOOL.name]: [] };
    const notes: Record<string, string> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      execFileSync("sync");
      cat.push((await measured(["sh", ["-c", `cat ${files.map((f) => `'${join(SOURCE, f)}'`).join(" ")} > /dev/null`]], { PATH: process.env.PATH ?? "" })).measure);
      // Alternate which tool goes first, so neither always gets the other's leftovers (dirty pages, warm server).
      for (const tool of round % 2 === 1 ? [PYTHON_TOOL, WHET_TOOL] : [WHET_TOOL, PYTHON_TOOL]) {
        if (notes[tool.name]) continue;
        execFileSync("sync");
        const run = await freshRun(hub, `${tool.name.replace(/\W+/g, "-")}-${round}`);
        const outcome = await measured(tool.command(run), run.env);
        const why = failure(outcome);
        if (why) {
          notes[tool.name] = why;
          continue;
        }
        const verdict = await sameAsSource(snapshotPath(run, commit), source);
        if (verdict) notes[tool.name] = `copy NOT identical to the source (${verdict})`;
        else times[tool.name]?.push(outcome.measure);
        await rm(run.dir, { recursive: true, force: true });
      }
    }
    const resumes: Record<string, Resume | string> = {};
    for (const tool of [PYTHON_TOOL, WHET_TOOL]) {
      resumes[tool.name] = notes[tool.name] ?? (await resumeRun(hub, tool, source, commit));
    }
    report(source, cat, times, notes, resumes);
  } finally {
    await hub.close();
    await rm(RUNS, { recursive: true, force: true });
  }
  if (CDN_MBPS > 0) await cdnScenario(source);
}

/** One download per tool from a fixture that caps each connection, as a CDN does: reported apart from the plain runs. */
async function cdnScenario(source: Source): Promise<void> {
  const hub = await startHubFixture({ repos: [{ id: REPO, revisions: [{ dir: SOURCE }] }], connectionBandwidth: CDN_MBPS * 1e6 });
  const runs: [string, string][] = [];
  try {
    const commit = ((await (await fetch(`${hub.url}/api/models/${REPO}/revision/main`)).json()) as { sha: string }).sha;
    for (const tool of [PYTHON_TOOL, WHET_TOOL]) {
      execFileSync("sync");
      const run = await freshRun(hub, `cdn-${tool.name.replace(/\W+/g, "-")}`);
      const outcome = await measured(tool.command(run), run.env);
      const why = failure(outcome) ?? (await sameAsSource(snapshotPath(run, commit), source));
      runs.push([tool.name, why ? `not available: ${why}` : `${outcome.measure.seconds.toFixed(2).padStart(8)} s ${(source.bytes / outcome.measure.seconds / 1e9).toFixed(2).padStart(6)} GB/s`]);
      await rm(run.dir, { recursive: true, force: true });
    }
  } finally {
    await hub.close();
    await rm(RUNS, { recursive: true, force: true });
  }
  console.log(`\nadditional scenario, not the target's measure: every connection capped at ${CDN_MBPS} MB/s, as a CDN caps each; 1 round, copies sha256-checked`);
  for (const [name, line] of runs) console.log(`  ${name.padEnd(22)} ${line}`);
}

function report(source: Source, cat: Measure[], times: Record<string, Measure[]>, notes: Record<string, string>, resumes: Record<string, Resume | string>): void {
  const gbps = (seconds: number) => `${(source.bytes / seconds / 1e9).toFixed(2)} GB/s`;
  const summary = (runs: Measure[]) => ({ seconds: median(runs.map((r) => r.seconds)), peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) });
  console.log(`\nfull download, ${ROUNDS} rounds (medians; peak RSS is the highest of the rounds; every copy sha256-checked)`);
  console.log(`  ${"tool".padEnd(22)} ${"wall s".padStart(8)} ${"peak RSS MB".padStart(12)} ${"throughput".padStart(12)}   runs (s)`);
  const rows: [string, Measure[]][] = [["cat > /dev/null (warm)", cat], [PYTHON_TOOL.name, times[PYTHON_TOOL.name] ?? []], [WHET_TOOL.name, times[WHET_TOOL.name] ?? []]];
  for (const [name, runs] of rows) {
    if (runs.length === 0) {
      console.log(`  ${name.padEnd(22)} not available: ${notes[name] ?? "no run"}`);
      continue;
    }
    const m = summary(runs);
    console.log(
      `  ${name.padEnd(22)} ${m.seconds.toFixed(2).padStart(8)} ${m.peakRssMb.toFixed(0).padStart(12)} ${gbps(m.seconds).padStart(12)}   ${runs.map((r) => r.seconds.toFixed(2)).join(", ")}`,
    );
  }
  const peer = times[PYTHON_TOOL.name] ?? [];
  const ours = times[WHET_TOOL.name] ?? [];
  if (peer.length > 0 && ours.length > 0) {
    const [p, w] = [summary(peer), summary(ours)];
    console.log(
      `  whet / snapshot_download throughput ${(p.seconds / w.seconds).toFixed(2)}× (target ≥ 1.5×); ` +
        `whet peak RSS ${w.peakRssMb.toFixed(0)} MB (target < 200 MB); whet at ${(w.seconds / summary(cat).seconds).toFixed(1)}× the warm cat read`,
    );
  } else console.log("  whet / snapshot_download throughput: not available (target ≥ 1.5×); whet peak RSS: not available (target < 200 MB)");

  console.log(`\nresume: SIGKILL once half the bytes are on disk, run again; bytes fetched again as a share of the bytes on disk at the kill`);
  for (const [name, resume] of Object.entries(resumes)) {
    const target = name === WHET_TOOL.name ? " (target < 1%)" : " (peer)";
    if (typeof resume === "string") console.log(`  ${name.padEnd(22)} not available: ${resume}${target}`);
    else
      console.log(
        `  ${name.padEnd(22)} ${(resume.completed / 1e9).toFixed(2)} GB on disk at the kill, ${(resume.again / 1e6).toFixed(1)} MB fetched again = ` +
          `${((100 * resume.again) / Math.max(1, resume.completed)).toFixed(2)}%${target}; copy ${resume.verdict ? `NOT identical (${resume.verdict})` : "identical"}`,
      );
  }
}

await main();
