import { open, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeModel } from "../lib/factory/make-model";
import { llamaConfig, llamaTensorSpecs, type LlamaShape } from "../lib/factory/llama";
import { seededRandom } from "../lib/factory/random";
import { preallocateSafetensors } from "../lib/safetensors/preallocate-safetensors";
import { float32ToBfloat16Bits } from "../lib/tensor/float-bits";

/**
 * A llama-shaped bf16 model of about 2.1 GB (1.06 B parameters), written
 * tensor by tensor in 16 MiB chunks so generating it needs no more memory than
 * that: the factory's tokenizer and files, then a large config and shard.
 */
export const BENCH_SHAPE: LlamaShape = {
  hiddenSize: 2048,
  intermediateSize: 5632,
  layers: 18,
  heads: 16,
  kvHeads: 16,
  vocabSize: 32000,
  tieWordEmbeddings: false,
};

export async function generateBenchSource(dir: string): Promise<{ bytes: number; reused: boolean }> {
  const file = join(dir, "model.safetensors");
  const done = join(dir, ".complete");
  if (await stat(done).catch(() => null)) return { bytes: (await stat(file)).size, reused: true };
  await rm(dir, { recursive: true, force: true });
  const small = await makeModel({ dir, dtype: "bfloat16", seed: 1 });
  const config = llamaConfig(BENCH_SHAPE, "bfloat16", { bos: small.config.bos_token_id as number, eos: small.config.eos_token_id as number });
  await writeFile(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);

  const specs = llamaTensorSpecs(BENCH_SHAPE).map((s) => ({ ...s, dtype: "BF16" as const, bytes: s.shape.reduce((a, b) => a * b, 1) * 2 }));
  const offsets = await preallocateSafetensors(file, specs);
  const random = seededRandom(2026);
  // A table of 64 Ki normal-ish bf16 values, read at random offsets: fast, and not constant.
  const table = new Uint16Array(65536);
  for (let i = 0; i < table.length; i++) {
    const u = random() + random() + random() + random() - 2;
    table[i] = float32ToBfloat16Bits(u * 0.035);
  }
  const chunk = new Uint16Array(8 * 2 ** 20);
  const handle = await open(file, "r+");
  try {
    for (const spec of specs) {
      let at = offsets.get(spec.name) as number;
      let left = spec.bytes / 2;
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        if (spec.init === "norm") chunk.fill(0x3f80, 0, n);
        else {
          let j = (random() * 2 ** 32) >>> 0;
          for (let i = 0; i < n; i++) {
            j = (Math.imul(j, 1103515245) + 12345) >>> 0;
            chunk[i] = table[j >>> 16] as number;
          }
        }
        await handle.write(new Uint8Array(chunk.buffer, 0, n * 2), 0, n * 2, at);
        at += n * 2;
        left -= n;
      }
    }
  } finally {
    await handle.close();
  }
  await writeFile(done, "");
  return { bytes: (await stat(file)).size, reused: false };
}
