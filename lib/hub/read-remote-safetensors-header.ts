import { checkedHeaderSize, parseSafetensorsHeader, type TensorInfo } from "../safetensors/read-header";
import { fetchHubBytes } from "./fetch-hub-bytes";
import type { HubCall } from "./hub-call";

export interface RemoteHeader {
  tensors: TensorInfo[];
  /** Bytes this read took from the Hub: the 8-byte prefix plus the header, never tensor data. */
  bytesRead: number;
}

/**
 * A safetensors header read off the Hub with two ranged requests: the first
 * 8 bytes (the header length), then exactly the header. The length is
 * checked (not 0, at most the spec's 100 MB, inside the file) before the
 * second request is made or anything is allocated for it, and `reserve`
 * may refuse it.
 */
export async function readRemoteSafetensorsHeader(call: HubCall, url: string, name: string, reserve: (headerSize: number) => void = () => {}): Promise<RemoteHeader> {
  const prefix = await fetchHubBytes(call, url, { maxBytes: 8, range: { start: 0, end: 7 } });
  const headerSize = checkedHeaderSize(name, prefix.bytes.readBigUInt64LE(0), prefix.fileSize);
  // The caller's budget is taken before the header is asked for, so what it holds stays bounded.
  reserve(headerSize);
  const header = await fetchHubBytes(call, url, { maxBytes: headerSize, range: { start: 8, end: 8 + headerSize - 1 } });
  const { tensors } = parseSafetensorsHeader(name, header.bytes, prefix.fileSize);
  return { tensors, bytesRead: 8 + headerSize };
}
