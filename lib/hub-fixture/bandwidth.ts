import { Transform } from "node:stream";

/** A transform that passes chunks on no faster than `bytesPerSecond`, paced on `link` (shared or not). */
function paced(bytesPerSecond: number, link: { nextFree: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const now = performance.now();
      const start = Math.max(now, link.nextFree);
      link.nextFree = start + (chunk.length / bytesPerSecond) * 1000;
      setTimeout(() => done(null, chunk), link.nextFree - now);
    },
  });
}

/**
 * One link's worth of bandwidth shared by every file the fixture sends, so
 * downloads take long enough to watch, pause and resume (the demo hub's
 * `--bandwidth`). Chunks are scheduled first come, first served.
 */
export function sharedBandwidth(bytesPerSecond: number): () => Transform {
  const link = { nextFree: 0 };
  return () => paced(bytesPerSecond, link);
}

/** A cap per file body, as a CDN caps each connection: more connections at once get more in all. */
export function connectionBandwidth(bytesPerSecond: number): () => Transform {
  return () => paced(bytesPerSecond, { nextFree: 0 });
}
