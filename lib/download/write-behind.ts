/** What a WriteBehind writes with, and whom it tells once bytes are on disk. */
export interface WriteBehindOptions {
  /** The caller's buffers, reused request after request; bytes gather in one while the others are written. */
  buffers: Buffer[];
  /** Where the first byte pushed goes. */
  position: number;
  write(bytes: Buffer, position: number): Promise<void>;
  /** `bytes` are on disk at `position`: called in file order, one write after the other. */
  landed(bytes: Buffer, position: number): void;
  /** A buffer not full yet is written anyway this long after the last write began (what is buffered is lost to a kill). */
  flushMs: number;
}

export interface WriteBehind {
  /** Copies `bytes` in; a promise when every buffer is full or being written (the caller stops reading until it settles). */
  push(bytes: Buffer): Promise<void> | undefined;
  /** Writes what is gathered and waits for every write; rejects with the first write's error. Nothing is written after it. */
  drain(): Promise<void>;
}

/**
 * Gathers received bytes into large writes and writes them behind the
 * reader: while one buffer is being written the next one fills, so a
 * connection keeps receiving during a write instead of pausing for each.
 * Writes run one at a time, in order, so bytes land (and are hashed) in
 * file order.
 */
export function writeBehind(options: WriteBehindOptions): WriteBehind {
  const { buffers, flushMs } = options;
  let filling = 0;
  let gathered = 0;
  let position = options.position;
  let flushedAt = performance.now();
  /** The chain of writes; each waits for the one before it. */
  let writes: Promise<void> = Promise.resolve();
  /** Buffers handed to the writer and not written yet. */
  let busy = 0;
  let failure: unknown = null;
  let freed: (() => void) | null = null;
  /** Set by drain: a push still waiting for room then writes nothing (its request has ended). */
  let drained = false;

  const flush = () => {
    flushedAt = performance.now();
    if (gathered === 0) return;
    const bytes = (buffers[filling] as Buffer).subarray(0, gathered);
    const at = position;
    position += gathered;
    gathered = 0;
    filling = (filling + 1) % buffers.length;
    busy++;
    writes = writes.then(async () => {
      try {
        if (failure === null) {
          await options.write(bytes, at);
          options.landed(bytes, at);
        }
      } catch (error) {
        failure = error;
      } finally {
        busy--;
        freed?.();
      }
    });
  };

  /** Resolves once the buffer to fill next is free (rejects if a write failed). */
  const room = async (): Promise<void> => {
    while (busy >= buffers.length && failure === null) await new Promise<void>((resolve) => (freed = resolve));
    freed = null;
    if (failure !== null) throw failure;
  };

  const push = (bytes: Buffer): Promise<void> | undefined => {
    let offset = 0;
    while (offset < bytes.byteLength) {
      if (failure !== null) return Promise.reject(failure);
      if (gathered === 0 && busy >= buffers.length) return room().then(() => (drained ? undefined : push(bytes.subarray(offset))));
      const buffer = buffers[filling] as Buffer;
      const count = bytes.copy(buffer, gathered, offset);
      gathered += count;
      offset += count;
      if (gathered === buffer.byteLength || performance.now() - flushedAt >= flushMs) flush();
    }
    return undefined;
  };

  return {
    push,
    async drain() {
      drained = true;
      flush();
      await writes;
      if (failure !== null) throw failure;
    },
  };
}
