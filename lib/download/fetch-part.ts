import { WhetError } from "../errors";
import { hubFetch, statusError, type HubClient } from "./hub-client";
import type { PartialFile } from "./partial-file";
import { withRetries, type RetryPolicy } from "./retry-policy";
import { stallGuard } from "./stall-guard";
import { classifyNetworkError, TransferError } from "./transfer-error";

export interface PartRequest {
  client: HubClient;
  url: string;
  file: PartialFile;
  /** The part, [start, end) of the file. */
  start: number;
  end: number;
  signal: AbortSignal;
  stallMs: number;
  now: () => number;
  policy: RetryPolicy;
  /** Bytes written to disk, as they are. */
  onBytes(bytes: number): void;
  onRetry(error: TransferError): void;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function protocol(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

/** How many body bytes this response may carry, from its status and headers; throws when it cannot be used. */
function acceptedLength(response: Response, from: number, end: number, size: number): { length: number; announced: number | null } {
  const lengthHeader = response.headers.get("content-length");
  const announced = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (response.status === 200) {
    // A whole file is what we asked for at offset 0; anywhere else the server ignored the Range.
    if (from !== 0) throw protocol("the server ignored the byte range and sent the whole file");
    return { length: end, announced: announced === size ? end : announced };
  }
  if (response.status !== 206) throw protocol(`unexpected HTTP ${response.status} for a file`);
  const match = response.headers.get("content-range")?.match(CONTENT_RANGE);
  if (!match) throw protocol("a partial answer without a valid Content-Range");
  const [first, last, total] = [Number(match[1]), Number(match[2]), match[3] === "*" ? null : Number(match[3])];
  if (first !== from || last < first || last >= end || (total !== null && total !== size)) {
    throw protocol(`the server sent bytes ${first}-${last}/${total ?? "*"} for a request of ${from}-${end - 1}/${size}`);
  }
  return { length: last - first + 1, announced };
}

/**
 * One request for the rest of a part, from `progress.pos`: written in place,
 * never past the part's end (a longer body is cut and fails this request),
 * aborted when no byte arrives for `stallMs`. Advances `progress.pos` as bytes
 * land, so a retry resumes where this one stopped.
 */
async function fetchOnce(part: PartRequest, progress: { pos: number }): Promise<void> {
  const from = progress.pos;
  const guard = stallGuard(part.signal, part.stallMs);
  const whole = from === 0 && part.end === part.file.size;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    const response = await hubFetch(part.client, part.url, { headers: whole ? {} : { Range: `bytes=${from}-${part.end - 1}` }, signal: guard.signal });
    guard.touch(0);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response, part.now());
    }
    const { length, announced } = acceptedLength(response, from, part.end, part.file.size);
    const stop = from + length;
    if (!response.body) throw new TransferError("truncated", "the answer had no body", { retryable: true });
    reader = response.body.getReader();
    while (progress.pos < stop) {
      const { done, value } = await reader.read();
      if (done) throw new TransferError("truncated", `the body ended after ${progress.pos - from} of ${length} bytes`, { retryable: true });
      guard.touch(value.byteLength);
      const take = Math.min(value.byteLength, stop - progress.pos);
      await part.file.write(take === value.byteLength ? value : value.subarray(0, take), progress.pos);
      progress.pos += take;
      part.onBytes(take);
      if (take < value.byteLength || (progress.pos === stop && announced !== null && announced > length)) {
        throw new TransferError("overflow", `more than the ${length} bytes asked for`, { retryable: true });
      }
    }
  } catch (error) {
    if (guard.signal.aborted) throw guard.signal.reason;
    if (error instanceof WhetError) throw error;
    throw classifyNetworkError(error, reader !== null);
  } finally {
    guard.dispose();
    await reader?.cancel().catch(() => undefined);
  }
}

/** Fetches [start, end) of a file with retries, each resuming from the bytes already written. */
export async function fetchPart(part: PartRequest): Promise<void> {
  const progress = { pos: part.start };
  await withRetries(
    async () => {
      // A server may answer a range with fewer bytes than asked (each answer carries at least one).
      while (progress.pos < part.end) await fetchOnce(part, progress);
    },
    { policy: part.policy, signal: part.signal, onRetry: (error) => part.onRetry(error) },
  );
}
