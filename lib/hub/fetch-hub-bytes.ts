import { hubFetch, statusError } from "../download/hub-client";
import { stallGuard } from "../download/stall-guard";
import { classifyNetworkError, TransferError } from "../download/transfer-error";
import { WhetError } from "../errors";
import { formatBytes } from "../format/format-bytes";
import { HUB_CALL_STALL_MS, withHubCall, type HubCall } from "./hub-call";

export interface HubBytes {
  bytes: Buffer;
  /** The file's whole size, from `Content-Range` (ranged) or the body's length. */
  fileSize: number;
}

/** `bytes=start-end`, both inclusive, as HTTP counts them. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * GET a file's bytes from the Hub: the whole file when it has at most
 * `maxBytes`, or exactly one range. A ranged answer must be a 206 for that
 * range; the body is read no further than what was asked, so a server that
 * ignores the range cannot make us read a shard's weights.
 */
export function fetchHubBytes(call: HubCall, url: string, options: { maxBytes: number; range?: ByteRange }): Promise<HubBytes> {
  const { range, maxBytes } = options;
  const limit = range ? range.end - range.start + 1 : maxBytes;
  return withHubCall(call, async (client, outer) => {
    const guard = stallGuard(outer, HUB_CALL_STALL_MS);
    try {
      const headers: Record<string, string> = { "Accept-Encoding": "identity", ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) };
      const response = await hubFetch(client, url, { headers, signal: guard.signal });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw statusError(response, Date.now());
      }
      const fileSize = range ? rangeTotal(response, range) : null;
      if (fileSize === undefined) {
        await response.body?.cancel().catch(() => undefined);
        throw new TransferError("protocol", "the server ignored the byte range asked for", { retryable: false });
      }
      const tooLarge = () =>
        range
          ? new TransferError("overflow", `the server sent more than the ${limit} bytes asked for`, { retryable: false })
          : new WhetError(
              "hub_file_too_large",
              `The file is larger than the ${formatBytes(limit, " ")} Whetstone reads while ${call.doing}.`,
              "It is left out; open the repository on the Hub to see it.",
            );
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      if (declared > limit) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      const bytes = await readAtMost(response, limit, guard, tooLarge);
      if (range && bytes.byteLength !== limit) throw new TransferError("truncated", "the range ended early", { retryable: false });
      return { bytes, fileSize: fileSize ?? bytes.byteLength };
    } finally {
      guard.dispose();
    }
  });
}

/** The total size a 206's `Content-Range` gives for exactly the range asked; undefined when it is anything else. */
function rangeTotal(response: Response, range: ByteRange): number | undefined {
  if (response.status !== 206) return undefined;
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  if (!match || Number(match[1]) !== range.start || Number(match[2]) !== range.end) return undefined;
  const total = Number(match[3]);
  return Number.isSafeInteger(total) && total > range.end ? total : undefined;
}

async function readAtMost(response: Response, limit: number, guard: ReturnType<typeof stallGuard>, tooLarge: () => Error): Promise<Buffer> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
      guard.touch(next.value.byteLength);
      length += next.value.byteLength;
      if (length > limit) {
        await reader?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(next.value);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    if (guard.signal.aborted) throw guard.signal.reason;
    if (error instanceof WhetError || error instanceof TransferError) throw error;
    throw classifyNetworkError(error, true);
  }
  return Buffer.concat(chunks);
}
