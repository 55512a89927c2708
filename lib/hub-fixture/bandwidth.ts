import { Transform } from "node:stream";

/**
 * One link's worth of bandwidth shared by every file the fixture sends, so
 * downloads take long enough to watch, pause and resume (the demo hub's
 * `--bandwidth`). Chunks are scheduled first come, first served.
 */
export function sharedBandwidth(bytesPerSecond: number): () => Transform {
  let nextFree = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        const now = performance.now();
        const start = Math.max(now, nextFree);
        nextFree = start + (chunk.length / bytesPerSecond) * 1000;
        setTimeout(() => done(null, chunk), nextFree - now);
      },
    });
}
