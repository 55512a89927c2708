import { writeSync } from "node:fs";

/** Positional writes to one open file, gathered into runs of contiguous bytes. */
export interface WriteCoalescer {
  write(bytes: Uint8Array, position: number): void;
  /** Writes what is gathered; call before the descriptor is closed. */
  flush(): void;
}

export function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}

/**
 * Gathers writes that continue where the previous one ended into one buffer of
 * `capacity` bytes and writes it as one syscall. A quantize chunk yields a
 * 2 KiB run of scales and one of biases: written one by one they cost more
 * than the kernel's work on them (a syscall each); gathered, ~1 MiB writes.
 */
export function writeCoalescer(fd: number, capacity = 2 ** 20): WriteCoalescer {
  const buffer = new Uint8Array(capacity);
  let start = 0;
  let used = 0;
  const flush = () => {
    if (used > 0) writeFully(fd, buffer.subarray(0, used), start);
    used = 0;
  };
  return {
    write(bytes, position) {
      if (used > 0 && position !== start + used) flush();
      if (bytes.byteLength > capacity) {
        flush();
        writeFully(fd, bytes, position);
        return;
      }
      if (used + bytes.byteLength > capacity) flush();
      if (used === 0) start = position;
      buffer.set(bytes, used);
      used += bytes.byteLength;
    },
    flush,
  };
}
