import { WhetError } from "../errors";
import { countParameters, type ParameterCount, type QuantizationBits } from "./count-parameters";
import type { HubCall } from "./hub-call";
import { hubFileUrl } from "./hub-file-url";
import { readRemoteSafetensorsHeader } from "./read-remote-safetensors-header";
import type { TensorInfo } from "../safetensors/read-header";

/** The largest real checkpoints have about 160 shards; more is a listing nobody should make us walk. */
export const MAX_SHARDS = 256;
/** All headers together (real ones are a few MB): each is reserved before it is fetched, so this bounds what a page can make us hold. */
export const MAX_TOTAL_HEADER_BYTES = 64_000_000;
/** The whole count, every shard included: a page is not kept waiting on a slow Hub. */
const COUNT_TIMEOUT_MS = 60_000;
const CONCURRENCY = 4;

export interface RemoteParameterCount extends ParameterCount {
  shards: number;
  /** Bytes fetched for all headers together. */
  bytesRead: number;
}

/**
 * The model's parameter count from the safetensors headers of `shards` at
 * `commit`, read with ranged requests (never tensor data), four at a time.
 */
export async function countRemoteParameters(
  call: HubCall,
  target: { repoId: string; commit: string; shards: readonly string[] },
  quantization: QuantizationBits | null,
): Promise<RemoteParameterCount> {
  const { repoId, commit, shards } = target;
  if (shards.length > MAX_SHARDS) {
    throw new WhetError(
      "too_many_shards",
      `${repoId} has ${shards.length} safetensors shards, more than the ${MAX_SHARDS} Whetstone reads headers of.`,
      "The parameter count is left out; the file list still shows every shard and its size.",
    );
  }
  const tensors: TensorInfo[] = [];
  let bytesRead = 0;
  let next = 0;
  // One refused shard ends the count: the requests in flight are aborted, and no further shard is taken.
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(COUNT_TIMEOUT_MS), ...(call.signal ? [call.signal] : [])]);
  const bounded: HubCall = { ...call, signal };
  const reserve = (headerSize: number) => {
    bytesRead += 8 + headerSize;
    if (bytesRead > MAX_TOTAL_HEADER_BYTES) {
      throw new WhetError(
        "headers_too_large",
        `The safetensors headers of ${repoId} add up to more than ${MAX_TOTAL_HEADER_BYTES / 1_000_000} MB.`,
        "The parameter count is left out; no real model has headers this large, so check the repository.",
      );
    }
  };
  const worker = async () => {
    while (next < shards.length && !stop.signal.aborted) {
      const shard = shards[next++] as string;
      const header = await readRemoteSafetensorsHeader(bounded, hubFileUrl(call.access.hubUrl, repoId, commit, shard), shard, reserve).catch((error: unknown) => {
        stop.abort();
        throw error;
      });
      tensors.push(...header.tensors);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, shards.length) }, worker));
  return { ...countParameters(tensors, quantization), shards: shards.length, bytesRead };
}
