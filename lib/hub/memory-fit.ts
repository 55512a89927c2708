import { freemem, totalmem } from "node:os";
import { formatBytes } from "../format/format-bytes";

export interface MachineMemory {
  totalBytes: number;
  /** What the OS says can be used now without swapping (MemAvailable on Linux). */
  availableBytes: number;
}

export interface MemoryFit {
  verdict: "fits" | "fits-after-closing" | "too-large";
  /** Weights plus room for the context (KV cache) and activations. */
  needBytes: number;
  sentence: string;
}

/** Room on top of the weights for the KV cache and activations of an ordinary context. */
const HEADROOM = 1.2;

/** Whether a model of `weightBytes` can run on a machine with `memory`, said as a person would. */
export function memoryFit(weightBytes: number, memory: MachineMemory): MemoryFit {
  const needBytes = Math.ceil(weightBytes * HEADROOM);
  const need = `${formatBytes(weightBytes, " ")} of weights (about ${formatBytes(needBytes, " ")} to run)`;
  const total = formatBytes(memory.totalBytes, " ");
  const free = formatBytes(memory.availableBytes, " ");
  if (needBytes <= memory.availableBytes) {
    return { verdict: "fits", needBytes, sentence: `Fits: ${need}, and this machine has ${free} free of ${total}.` };
  }
  if (needBytes <= memory.totalBytes) {
    return {
      verdict: "fits-after-closing",
      needBytes,
      sentence: `Fits this machine's ${total}, but only ${free} is free now: ${need}. Close other programs before loading it.`,
    };
  }
  return {
    verdict: "too-large",
    needBytes,
    sentence: `Too large for this machine: ${need}, more than its ${total}. Look for a smaller quantization (4-bit), or run it across machines on the Cluster page.`,
  };
}

/** This machine's memory now. */
export function machineMemory(): MachineMemory {
  return { totalBytes: totalmem(), availableBytes: freemem() };
}
