import { closeSync, openSync, readSync } from "node:fs";
import { writeCoalescer, writeFully } from "../fs/write-coalescer";
import { WhetError } from "../errors";
import { affineDequantize } from "../quantize/dequantize";
import type { ErrorSums } from "../quantize/quantization-error";
import { quantizeSlice, type SliceIO } from "../quantize/quantize-slice";
import { createWasmQuantizer, type WasmQuantizer } from "../quantize/wasm-quantizer";
import { BYTES_PER_ELEMENT, decodeFloats, encodeFloats, roundArrayToDtype, type FloatTensorDtype } from "../tensor/float-arrays";
import type { Location, QuantizedSource, WeightJob } from "./weight-jobs";

/** The error a cancelled conversion ends with, in the workers and in the pool alike. */
export const conversionCancelled = () =>
  new WhetError("cancelled", "Conversion cancelled", "Nothing was kept: the target folder was removed. Start again when you are ready.");

/**
 * Values per read: 64 Ki, so a chunk's float32 input (256 KiB) and its raw
 * bytes stay in a core's L2 cache between the read, the widening and the
 * kernel's two passes (1 Mi values made the kernel ~40% slower).
 */
const CHUNK = 2 ** 16;

/**
 * Per-thread state for running jobs: open file descriptors (sources read,
 * outputs written with positional I/O) and one SIMD quantizer.
 */
export interface JobContext {
  fd(file: string, write: boolean): number;
  /** Throws when the run was cancelled; called between chunks, so a stop takes milliseconds. */
  checkpoint(): void;
  quantizer(): WasmQuantizer;
  close(): void;
}

/** `stop` is set (to 1) by whoever cancels: the pool, through memory shared with its workers. */
export function createJobContext(stop?: Int32Array): JobContext {
  const fds = new Map<string, number>();
  let quantizer: WasmQuantizer | null = null;
  return {
    fd(file, write) {
      const key = `${write ? "w" : "r"}:${file}`;
      let fd = fds.get(key);
      if (fd === undefined) {
        fd = openSync(file, write ? "r+" : "r");
        fds.set(key, fd);
      }
      return fd;
    },
    checkpoint() {
      if (stop && Atomics.load(stop, 0) !== 0) {
        throw conversionCancelled();
      }
    },
    quantizer: () => (quantizer ??= createWasmQuantizer(CHUNK)),
    close() {
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
    },
  };
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = readSync(fd, into, done, into.byteLength - done, position + done);
    if (n === 0) {
      throw new WhetError("source_truncated", `Unexpected end of a source file at byte ${position + done}`, "The source changed or is damaged while converting: run `whet health` on it.");
    }
    done += n;
  }
}

/** A buffer whose start is 8-byte aligned, so any typed-array view fits on it. */
function aligned(bytes: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(Math.ceil(bytes / 8) * 8), 0, bytes);
}

function reader(ctx: JobContext, at: Location) {
  return (into: Uint8Array, offset: number) => {
    ctx.checkpoint();
    readFully(ctx.fd(at.file, false), into, at.offset + offset);
  };
}

/** Dequantized values (in the source's scale dtype) of elements [start, start+count) of a quantized tensor. */
function dequantizeRange(ctx: JobContext, source: QuantizedSource, start: number, count: number, scaleDtype: FloatTensorDtype): Float32Array {
  const { bits, groupSize, dtype } = source;
  const groups = count / groupSize;
  const first = start / groupSize;
  const packed = aligned((count * bits) / 8);
  reader(ctx, source.weight)(packed, (start * bits) / 8);
  const sBytes = BYTES_PER_ELEMENT[dtype];
  const scalesRaw = aligned(groups * sBytes);
  const biasesRaw = aligned(groups * sBytes);
  reader(ctx, source.scales)(scalesRaw, first * sBytes);
  reader(ctx, source.biases)(biasesRaw, first * sBytes);
  const scales = decodeFloats(scalesRaw, dtype);
  const biases = decodeFloats(biasesRaw, dtype);
  // mlx-lm casts scales and biases to --dtype before dequantizing.
  roundArrayToDtype(scales, scaleDtype);
  roundArrayToDtype(biases, scaleDtype);
  return affineDequantize({
    packed: new Uint32Array(packed.buffer, 0, packed.byteLength / 4),
    scales,
    biases,
    bits,
    groupSize,
    dtype: scaleDtype,
  });
}

/** Runs one job to completion with synchronous positional I/O; returns error sums for quantize jobs. */
export function runWeightJob(job: WeightJob, ctx: JobContext): ErrorSums | null {
  if (job.kind === "copy") {
    const buffer = aligned(Math.min(job.count, 8 * CHUNK));
    for (let done = 0; done < job.count; done += buffer.byteLength) {
      const part = buffer.subarray(0, Math.min(buffer.byteLength, job.count - done));
      reader(ctx, job.source)(part, job.first + done);
      writeFully(ctx.fd(job.output.file, true), part, job.output.offset + job.first + done);
    }
    return null;
  }
  if (job.kind === "cast") {
    const inBytes = BYTES_PER_ELEMENT[job.from];
    const outBytes = BYTES_PER_ELEMENT[job.to];
    const raw = aligned(CHUNK * inBytes);
    const out = aligned(CHUNK * outBytes);
    for (let done = 0; done < job.count; done += CHUNK) {
      const count = Math.min(CHUNK, job.count - done);
      const start = job.first + done;
      const part = raw.subarray(0, count * inBytes);
      reader(ctx, job.source)(part, start * inBytes);
      const values = decodeFloats(part, job.from);
      const encoded = encodeFloats(values, job.to, out.subarray(0, count * outBytes));
      writeFully(ctx.fd(job.output.file, true), encoded, job.output.offset + start * outBytes);
    }
    return null;
  }
  if (job.kind === "dequantize") {
    const outBytes = BYTES_PER_ELEMENT[job.to];
    const chunk = Math.floor(CHUNK / job.source.groupSize) * job.source.groupSize;
    for (let done = 0; done < job.count; done += chunk) {
      const count = Math.min(chunk, job.count - done);
      const start = job.first + done;
      const values = dequantizeRange(ctx, job.source, start, count, job.to);
      writeFully(ctx.fd(job.output.file, true), encodeFloats(values, job.to), job.output.offset + start * outBytes);
    }
    return null;
  }
  const { outputs } = job;
  const writers = {
    weight: writeCoalescer(ctx.fd(outputs.weight.file, true)),
    scales: writeCoalescer(ctx.fd(outputs.scales.file, true)),
    biases: writeCoalescer(ctx.fd(outputs.biases.file, true)),
  };
  const io: SliceIO = {
    read: "float" in job.source ? reader(ctx, job.source.float) : () => {},
    write: (part, bytes, offset) => writers[part].write(bytes, outputs[part].offset + offset),
  };
  const quantized = "quantized" in job.source ? job.source.quantized : null;
  const sums = quantizeSlice(
    ctx.quantizer(),
    {
      name: job.name,
      shape: job.shape,
      sourceDtype: job.source.dtype,
      modelDtype: job.modelDtype,
      bits: job.bits,
      groupSize: job.groupSize,
      first: job.first,
      count: job.count,
      ...(quantized
        ? {
            values: (start: number, count: number, into: Float32Array) => {
              // Read in whole groups of the source's quantization (both group sizes are powers of two).
              const span = Math.max(quantized.groupSize, job.groupSize);
              if (start % span !== 0 || count % quantized.groupSize !== 0) {
                throw new WhetError("internal_error", "requantize chunk not aligned to the source groups", "This is a bug in Whetstone.");
              }
              into.set(dequantizeRange(ctx, quantized, start, count, quantized.dtype));
            },
          }
        : {}),
    },
    io,
  );
  for (const writer of Object.values(writers)) writer.flush();
  return sums;
}
