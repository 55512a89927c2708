import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Fault } from "./fault-proxy";

/** Listings are kilobytes; a JSON answer past this is not one a transform should see. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Larger than a socket's high-water mark, so every filler write waits for the client to drain it. */
const FILLER = Buffer.alloc(64 * 1024, "x");

type CutFault = Extract<Fault, { kind: "drop" | "reset" | "stall" }>;

/**
 * Streams the target's body to the client, shaped by the fault (headers are
 * already written). Backpressure is kept, so a client that reads slowly holds
 * the target back instead of filling memory; `signal` fires when the client's
 * response closes, and every wait here gives up with it.
 */
export async function relayBody(upstream: IncomingMessage, res: ServerResponse, fault: Fault | null, signal: AbortSignal): Promise<void> {
  const cutAt = isCut(fault) ? Math.max(0, fault.afterBytes) : Infinity;
  let sent = 0;
  for await (const data of upstream as AsyncIterable<Buffer>) {
    let chunk = data;
    if (fault?.kind === "corrupt" && fault.atByte >= sent && fault.atByte < sent + chunk.byteLength) {
      chunk = Buffer.from(chunk);
      chunk[fault.atByte - sent]! ^= 0x01;
    }
    if (isCut(fault) && sent + chunk.byteLength >= cutAt) return cut(upstream, res, fault, chunk.subarray(0, cutAt - sent), signal);
    if (fault?.kind === "slow") await trickle(res, chunk, fault, signal);
    else await write(res, chunk, signal);
    sent += chunk.byteLength;
  }
  // A body shorter than afterBytes is sent whole, and the fault comes where the rest would have.
  if (isCut(fault)) return cut(upstream, res, fault, Buffer.alloc(0), signal);
  if (fault?.kind === "extra") await sendExtra(res, fault.bytes, signal);
  res.end();
}

/** The target's whole body, and its JSON value when it parses. */
export async function readJsonBody(upstream: IncomingMessage): Promise<{ bytes: Buffer; json?: { value: unknown } }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_JSON_BYTES) {
      upstream.destroy();
      throw new Error(`JSON answer over ${MAX_JSON_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  try {
    return { bytes, json: { value: JSON.parse(bytes.toString("utf8")) as unknown } };
  } catch {
    return { bytes };
  }
}

function isCut(fault: Fault | null): fault is CutFault {
  return fault?.kind === "drop" || fault?.kind === "reset" || fault?.kind === "stall";
}

async function cut(upstream: IncomingMessage, res: ServerResponse, fault: CutFault, last: Buffer, signal: AbortSignal): Promise<void> {
  upstream.destroy();
  // Wait until the bytes (and the headers) are on the socket: a reset would otherwise throw them away.
  await written(res, last, signal);
  const socket = res.socket;
  if (fault.kind === "drop") socket?.end();
  else if (fault.kind === "reset") socket?.resetAndDestroy();
  // A stall leaves the socket open and silent until the client or close() ends it.
}

async function trickle(res: ServerResponse, chunk: Buffer, fault: Extract<Fault, { kind: "slow" }>, signal: AbortSignal): Promise<void> {
  const step = Math.max(1, Math.floor(fault.bytesPerTick));
  for (let offset = 0; offset < chunk.byteLength; offset += step) {
    await write(res, chunk.subarray(offset, offset + step), signal);
    await sleep(Math.max(0, fault.tickMs), undefined, { signal });
  }
}

async function sendExtra(res: ServerResponse, bytes: number | "endless", signal: AbortSignal): Promise<void> {
  for (let left = bytes === "endless" ? Infinity : Math.max(0, bytes); left > 0; ) {
    const piece = FILLER.subarray(0, Math.min(FILLER.byteLength, left));
    await write(res, piece, signal);
    left -= piece.byteLength;
  }
}

async function write(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  if (!res.write(chunk)) await once(res, "drain", { signal });
}

function written(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    res.write(chunk, (error) => {
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}
