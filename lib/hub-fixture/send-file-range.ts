import { open } from "node:fs/promises";
import type { ServerResponse } from "node:http";

/** Bytes read from disk at a time (see sendFileRange). */
const READ_CHUNK = 1 << 20;

/**
 * Sends bytes [start, end] of a file as the response body, reading into two
 * buffers in turn: one is read into while the other is being sent, and a
 * buffer is read into again only once the socket has taken it. A read
 * stream's fresh buffer per read (plus the collections that garbage costs)
 * is a third of the server's CPU per GB, which on one machine is taken from
 * the client being measured; a real Hub's CDN costs the client nothing.
 * Stops early, without error, when the client goes away.
 */
export async function sendFileRange(res: ServerResponse, path: string, start: number, end: number): Promise<void> {
  const handle = await open(path, "r");
  try {
    const buffers = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
    const sent: (Promise<void> | null)[] = [null, null];
    const gone = new Promise<void>((resolve) => res.once("close", resolve));
    for (let position = start, turn = 0; position <= end && !res.destroyed; turn ^= 1) {
      // The buffer's previous send must be done (or the client gone) before it is read into again.
      await Promise.race([sent[turn], gone]);
      if (res.destroyed) break;
      const buffer = buffers[turn] as Buffer;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_CHUNK, end + 1 - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      sent[turn] = new Promise((resolve) => res.write(buffer.subarray(0, bytesRead), () => resolve()));
    }
    await Promise.race([Promise.all(sent), gone]);
  } finally {
    await handle.close();
  }
  res.end();
}
