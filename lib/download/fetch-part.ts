import { WhetError } from "../errors";
import { statusError, type HubClient, type StatusAnswer } from "./hub-client";
import { hubGet, type BodyAnswer } from "./hub-get";
import type { PartialFile } from "./partial-file";
import { withRetries, type RetryPolicy } from "./retry-policy";
import { stallGuard } from "./stall-guard";
import { classifyNetworkError, closedError, TransferError } from "./transfer-error";

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
  /** Where received bytes gather before a write (see WRITE_BUFFER); the caller's, reused part after part. */
  buffer: Buffer;
  /** Bytes received (written to disk before the request ends, failed or not). */
  onBytes(bytes: number): void;
  /** `bytes` are on disk from `position` on (the caller hashes them while they are in memory). */
  onWritten(bytes: Buffer, position: number): void;
  onRetry(error: TransferError): void;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function protocol(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

/** How many body bytes this answer may carry, from its status and headers; throws when it cannot be used. */
function acceptedLength(response: StatusAnswer, from: number, end: number, size: number): { length: number; announced: number | null } {
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
 * Bytes gathered per connection before a write: one syscall per 256 KiB
 * instead of per socket read, or what arrived within SAVE_MS on a slow link
 * (more would lose more to a kill: what is buffered is fetched again).
 * The buffer is the connection's, reused part after part.
 */
export const WRITE_BUFFER = 256 << 10;
const SAVE_MS = 100;

/**
 * One request for the rest of a part, from `progress.pos`: written in place,
 * never past the part's end (a longer body is cut and fails this request),
 * aborted when too few bytes arrive within `stallMs`. Advances `progress.pos`
 * as bytes land on disk (what arrived is written even when the request fails),
 * so a retry resumes where this one stopped.
 */
async function fetchOnce(part: PartRequest, progress: { pos: number }): Promise<void> {
  const from = progress.pos;
  const guard = stallGuard(part.signal, part.stallMs);
  const whole = from === 0 && part.end === part.file.size;
  let answer: BodyAnswer | null = null;
  const buffer = part.buffer;
  let buffered = 0;
  let savedAt = performance.now();
  const save = async () => {
    savedAt = performance.now();
    if (buffered === 0) return;
    const bytes = buffer.subarray(0, buffered);
    buffered = 0;
    await part.file.write(bytes, progress.pos);
    part.onWritten(bytes, progress.pos);
    progress.pos += bytes.byteLength;
  };
  try {
    answer = await hubGet(part.client, part.url, { headers: whole ? {} : { Range: `bytes=${from}-${part.end - 1}` }, signal: guard.signal });
    guard.touch(0);
    if (!answer.ok) throw statusError(answer, part.now());
    const { length, announced } = acceptedLength(answer, from, part.end, part.file.size);
    const stop = from + length;
    // Read to the body's end (not just to `stop`): a connection whose answer was read whole is reused.
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      guard.touch(chunk.byteLength);
      const take = Math.min(chunk.byteLength, stop - progress.pos - buffered);
      part.onBytes(take);
      for (let offset = 0; offset < take; ) {
        const count = chunk.copy(buffer, buffered, offset, Math.min(take, offset + buffer.byteLength - buffered));
        buffered += count;
        offset += count;
        if (buffered === buffer.byteLength) await save();
      }
      if (take < chunk.byteLength || (progress.pos + buffered === stop && announced !== null && announced > length)) {
        throw new TransferError("overflow", `more than the ${length} bytes asked for`, { retryable: true });
      }
      if (performance.now() - savedAt >= SAVE_MS) await save();
    }
    if (progress.pos + buffered < stop) throw new TransferError("truncated", `the body ended after ${progress.pos + buffered - from} of ${length} bytes`, { retryable: true });
    await save();
  } catch (error) {
    if (error instanceof WhetError) throw error;
    // What arrived before the failure is good: keep it, so the retry does not fetch it again.
    await save();
    if (guard.signal.aborted) throw guard.signal.reason;
    if (error instanceof TransferError || answer === null) throw classifyNetworkError(error, false);
    // The body broke off: a socket error names why; without one the connection just closed early.
    const socketError = answer.socketError();
    throw socketError ? classifyNetworkError(socketError, true) : closedError();
  } finally {
    guard.dispose();
    answer?.body.destroy();
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
