import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { readSafetensorsHeader } from "../safetensors/read-header";
import { readSpan } from "../safetensors/read-tensor";

interface TensorContents {
  dtype: string;
  shape: number[];
  hex: string;
}

async function readTensors(dir: string): Promise<Map<string, TensorContents>> {
  const out = new Map<string, TensorContents>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".safetensors"))) {
    const header = await readSafetensorsHeader(join(dir, file));
    expect(header.metadata, file).toEqual({ format: "mlx" });
    for (const t of header.tensors) out.set(t.name, { dtype: t.dtype, shape: t.shape, hex: Buffer.from(await readSpan(header, t)).toString("hex") });
  }
  return out;
}

/**
 * Asserts that two converted model folders hold the same tensors (names,
 * shapes, dtypes, bytes), the same config.json and the same index, text for
 * text. Differing tensors are listed by name, so a failure says which layers
 * a rule got wrong.
 */
export async function expectSameModel(ours: string, theirs: string): Promise<void> {
  const [a, b] = await Promise.all([readTensors(ours), readTensors(theirs)]);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const different = [...b].filter(([name, t]) => {
    const o = a.get(name);
    return !o || o.dtype !== t.dtype || o.shape.join() !== t.shape.join() || o.hex !== t.hex;
  });
  expect(different.map(([name, t]) => `${name} (theirs ${t.dtype} [${t.shape.join(", ")}])`)).toEqual([]);
  for (const file of ["config.json", "model.safetensors.index.json"]) {
    expect(await readFile(join(ours, file), "utf8"), file).toBe(await readFile(join(theirs, file), "utf8"));
  }
}
