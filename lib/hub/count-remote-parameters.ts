import { WhetError } from "../errors";
import { countParameters, type ParameterCount, type QuantizationBits } from "./count-parameters";
import type { HubCall } from "./hub-call";
import { hubFileUrl } from "./hub-file-url";
import { readRemoteSafetensorsHeader } from "./read-remote-safetensors-header";
import type { TensorInfo } from "../safetensors/read-header";

/** The largest real checkpoints have about 160 shards; more is a listing nobody should make us walk. */
export const MAX_SHARDS = 256;
/** All headers together: a shard's own cap is the spec's 100 MB, this bounds what a page can make us hold. */
export const MAX_TOTAL_HEADER_BYTES = 200_000_000;
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
  // One refused shard ends the count: the other workers take no further shard.
  let failed = false;
  const worker = async () => {
    while (next < shards.length && !failed) {
      const shard = shards[next++] as string;
      const header = await readRemoteSafetensorsHeader(call, hubFileUrl(call.access.hubUrl, repoId, commit, shard), shard).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      bytesRead += header.bytesRead;
      if (bytesRead > MAX_TOTAL_HEADER_BYTES) {
        failed = true;
        throw new WhetError(
          "headers_too_large",
          `The safetensors headers of ${repoId} add up to more than ${MAX_TOTAL_HEADER_BYTES / 1_000_000} MB.`,
          "The parameter count is left out; no real model has headers this large, so check the repository.",
        );
      }
      tensors.push(...header.tensors);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, shards.length) }, worker));
  return { ...countParameters(tensors, quantization), shards: shards.length, bytesRead };
}
