import type { FloatTensorDtype } from "../tensor/float-arrays";
import type { QuantizedModule } from "../quantize/source-quantization";
import type { SourceTensor } from "./source-weights";
import type { WeightTask } from "./weight-plan";

/** A place in a file: absolute byte offset of a tensor's data. */
export interface Location {
  file: string;
  offset: number;
}

export interface QuantizedSource {
  weight: Location;
  scales: Location;
  biases: Location;
  bits: number;
  groupSize: number;
  dtype: FloatTensorDtype;
}

/**
 * One slice of one task, small enough to keep a worker's memory bounded and
 * to spread a large tensor over all cores. Plain data: jobs cross thread
 * boundaries by structured clone. `first`/`count` are elements of the tensor
 * (bytes for copies); every location is the start of the whole tensor.
 */
export type WeightJob = { task: number; sourceBytes: number } & (
  | { kind: "copy"; source: Location; output: Location; first: number; count: number }
  | { kind: "cast"; name: string; from: FloatTensorDtype; to: FloatTensorDtype; source: Location; output: Location; first: number; count: number }
  | {
      kind: "quantize";
      name: string;
      shape: number[];
      source: { dtype: FloatTensorDtype; float: Location } | { dtype: FloatTensorDtype; quantized: QuantizedSource };
      modelDtype: FloatTensorDtype;
      bits: number;
      groupSize: number;
      outputs: { weight: Location; scales: Location; biases: Location };
      first: number;
      count: number;
    }
  | { kind: "dequantize"; name: string; source: QuantizedSource; to: FloatTensorDtype; output: Location; first: number; count: number }
);

/** Values per job: 8 Mi (16 MiB of bf16), a multiple of every group size and packing unit. */
export const JOB_ELEMENTS = 8 * 2 ** 20;
const COPY_BYTES = 32 * 2 ** 20;

const at = (t: { file: string; offset: number }): Location => ({ file: t.file, offset: t.offset });
const isQuantizedModule = (s: SourceTensor | QuantizedModule): s is QuantizedModule => "path" in s;
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function slices(total: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let first = 0; first < total; first += size) out.push([first, Math.min(size, total - first)]);
  if (out.length === 0) out.push([0, 0]);
  return out;
}

/** Splits every task into jobs; `where(name)` gives the output tensor's location. */
export function weightJobs(tasks: readonly WeightTask[], where: (name: string) => Location, jobElements = JOB_ELEMENTS): WeightJob[] {
  const jobs: WeightJob[] = [];
  tasks.forEach((t, task) => {
    if (t.kind === "copy") {
      for (const [first, count] of slices(t.source.bytes, COPY_BYTES)) {
        jobs.push({ task, kind: "copy", sourceBytes: count, source: at(t.source), output: where(t.output.name), first, count });
      }
      return;
    }
    if (t.kind === "cast") {
      const n = numel(t.source.shape);
      const per = t.source.bytes / Math.max(n, 1);
      for (const [first, count] of slices(n, jobElements)) {
        jobs.push({
          task,
          kind: "cast",
          name: t.output.name,
          from: t.source.dtype as FloatTensorDtype,
          to: t.output.dtype,
          sourceBytes: count * per,
          source: at(t.source),
          output: where(t.output.name),
          first,
          count,
        });
      }
      return;
    }
    const q = t.kind === "dequantize" ? t.source : isQuantizedModule(t.source) ? t.source : null;
    const quantized: QuantizedSource | null = q
      ? { weight: at(q.weight), scales: at(q.scales), biases: at(q.biases), bits: q.bits, groupSize: q.groupSize, dtype: q.dtype }
      : null;
    const n = q ? numel(q.shape) : numel((t.source as { shape: number[] }).shape);
    const sourceBytes = q ? q.weight.bytes + q.scales.bytes + q.biases.bytes : (t.source as { bytes: number }).bytes;
    for (const [first, count] of slices(n, jobElements)) {
      const share = (sourceBytes * count) / Math.max(n, 1);
      if (t.kind === "dequantize") {
        jobs.push({ task, kind: "dequantize", name: t.output.name, source: quantized as QuantizedSource, to: t.output.dtype, output: where(t.output.name), first, count, sourceBytes: share });
        continue;
      }
      const float = t.source as SourceTensor;
      jobs.push({
        task,
        kind: "quantize",
        name: t.outputs.weight.name,
        shape: q ? q.shape : float.shape,
        source: quantized ? { dtype: quantized.dtype, quantized } : { dtype: float.dtype as FloatTensorDtype, float: { file: float.file, offset: float.offset } },
        modelDtype: t.modelDtype,
        bits: t.bits,
        groupSize: t.groupSize,
        outputs: { weight: where(t.outputs.weight.name), scales: where(t.outputs.scales.name), biases: where(t.outputs.biases.name) },
        first,
        count,
        sourceBytes: share,
      });
    }
  });
  return jobs;
}
