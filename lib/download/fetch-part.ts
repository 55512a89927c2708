import { WhetError } from "../errors";
import { statusError, type HubClient, type StatusAnswer } from "./hub-client";
import { hubGet, type BodyAnswer } from "./hub-get";
import type { PartialFile } from "./partial-file";
import { withRetries, type RetryPolicy } from "./retry-policy";
import { stallGuard } from "./stall-guard";
import { classifyNetworkError, TransferError } from "./transfer-error";
import { writeBehind } from "./write-behind";

export interface PartRequest {
  client: HubClient;
  url: string;
  file: PartialFile;
  /** The part of the file to fetch; see PartRange. */
  range: PartRange;
  /** The most one request asks for (REQUEST_BYTES unless a test needs small parts). */
  requestBytes?: number;
  signal: AbortSignal;
  stallMs: number;
  now: () => number;
  policy: RetryPolicy;
  /** Where received bytes gather before a write (see WRITE_BUFFERS); the caller's, reused part after part. */
  buffers: Buffer[];
  /** Bytes received (written to disk before the request ends, failed or not). */
  onBytes(bytes: number): void;
  /** More bytes are on disk (the caller hashes what continues the file's written prefix). */
  onWritten(): void;
  onRetry(error: TransferError): void;
}

/**
 * Bytes [pos, end) of a file, fetched in requests of at most REQUEST_BYTES:
 * `pos` advances as bytes land on disk, `requested` is where the request in
 * flight stops. `end` may be lowered while the part runs, down to
 * `requested`: another connection then takes what lies beyond.
 */
export interface PartRange {
  pos: number;
  end: number;
  requested: number;
  /** The server answered this part with a byte range: another connection may take a share of it. */
  ranged: boolean;
}

/** The most one request asks for: what lies past it can be handed to another connection. */
export const REQUEST_BYTES = 16 << 20;

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function protocol(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

/** How many body bytes this answer may carry, from its status and headers; throws when it cannot be used. */
function acceptedLength(response: StatusAnswer, from: number, end: number, partEnd: number, size: number): { length: number; announced: number | null } {
  const lengthHeader = response.headers.get("content-length");
  const announced = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (response.status === 200) {
    // The whole file (a server without ranges) serves a part at offset 0, to the part's end; anywhere else the server ignored the Range.
    if (from !== 0) throw protocol("the server ignored the byte range and sent the whole file");
    return { length: partEnd, announced: announced === size ? partEnd : announced };
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
 * (more would lose more to a kill: what is buffered is fetched again). Two
 * such buffers per connection: one fills while the other is written. They
 * are the connection's, reused part after part.
 */
export const WRITE_BUFFER = 256 << 10;
export const WRITE_BUFFERS = 2;
const SAVE_MS = 100;

/**
 * One request for the rest of a part, from `progress.pos`: written in place,
 * never past the part's end (a longer body is cut and fails this request),
 * aborted when too few bytes arrive within `stallMs`. Advances `progress.pos`
 * as bytes land on disk (what arrived is written even when the request fails),
 * so a retry resumes where this one stopped.
 */
async function fetchOnce(part: PartRequest): Promise<void> {
  const progress = part.range;
  const from = progress.pos;
  const end = (progress.requested = Math.min(progress.end, from + (part.requestBytes ?? REQUEST_BYTES)));
  const guard = stallGuard(part.signal, part.stallMs);
  const whole = from === 0 && end === part.file.size;
  let answer: BodyAnswer | null = null;
  let received = 0;
  const writer = writeBehind({
    buffers: part.buffers,
    position: from,
    flushMs: SAVE_MS,
    write: (bytes, position) => part.file.write(bytes, position),
    landed: (bytes) => {
      progress.pos += bytes.byteLength;
      part.onWritten();
    },
  });
  try {
    answer = await hubGet(part.client, part.url, { headers: whole ? {} : { Range: `bytes=${from}-${end - 1}` }, signal: guard.signal });
    guard.touch(0);
    if (!answer.ok) throw statusError(answer, part.now());
    const { length, announced } = acceptedLength(answer, from, end, progress.end, part.file.size);
    progress.requested = from + length;
    progress.ranged ||= answer.status === 206;
    // Read to the body's end (not just to `length`): a connection whose answer was read whole is reused.
    await answer.read((piece) => {
      guard.touch(piece.byteLength);
      const take = Math.min(piece.byteLength, length - received);
      part.onBytes(take);
      received += take;
      const written = writer.push(take === piece.byteLength ? piece : piece.subarray(0, take));
      if (take === piece.byteLength && !(received === length && announced !== null && announced > length)) return written;
      // Longer than asked: what fits is kept, the rest refused.
      const overflow = new TransferError("overflow", `more than the ${length} bytes asked for`, { retryable: true });
      if (!written) throw overflow;
      return written.then(() => {
        throw overflow;
      });
    });
    if (received < length) throw new TransferError("truncated", `the body ended after ${received} of ${length} bytes`, { retryable: true });
    await writer.drain();
  } catch (error) {
    if (error instanceof WhetError) throw error;
    // What arrived before the failure is good: keep it, so the retry does not fetch it again.
    await writer.drain();
    if (guard.signal.aborted) throw guard.signal.reason;
    // A broken body is a TransferError already; anything else after the answer (a disk error) is its own cause.
    if (error instanceof TransferError || answer === null) throw classifyNetworkError(error, false);
    throw error;
  } finally {
    guard.dispose();
    answer?.close();
  }
}

/** Fetches the part's range with retries, each resuming from the bytes already written. */
export async function fetchPart(part: PartRequest): Promise<void> {
  await withRetries(
    async () => {
      // A server may answer a range with fewer bytes than asked (each answer carries at least one).
      while (part.range.pos < part.range.end) await fetchOnce(part);
    },
    { policy: part.policy, signal: part.signal, onRetry: (error) => part.onRetry(error) },
  );
}
