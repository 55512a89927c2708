import { describe, expect, it } from "vitest";
import { writeBehind } from "./write-behind";

describe("writeBehind", () => {
  it("fills one buffer while another is written, lands writes in order, and makes the reader wait only when all are busy", async () => {
    const file = Buffer.alloc(40);
    const landed: [number, number][] = [];
    const writes: (() => void)[] = [];
    const writer = writeBehind({
      buffers: [Buffer.alloc(8), Buffer.alloc(8)],
      position: 4,
      flushMs: 60_000,
      write: (bytes, position) =>
        new Promise<void>((resolve) => {
          bytes.copy(file, position);
          writes.push(resolve);
        }),
      landed: (bytes, position) => landed.push([position, bytes.byteLength]),
    });
    expect(writer.push(Buffer.from("abcdefgh"))).toBeUndefined();
    // The first buffer is being written: the second fills without waiting.
    expect(writer.push(Buffer.from("ijklmnop"))).toBeUndefined();
    const waiting = writer.push(Buffer.from("qr"));
    expect(waiting).toBeInstanceOf(Promise);
    await new Promise((resolve) => setTimeout(resolve, 10));
    writes.shift()?.();
    await waiting;
    const drained = writer.drain();
    while (landed.length < 3) {
      writes.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await drained;
    expect(landed).toEqual([[4, 8], [12, 8], [20, 2]]);
    expect(file.subarray(4, 22).toString()).toBe("abcdefghijklmnopqr");
  });

  it("stops at the first failed write: later bytes are not written and drain rejects with its error", async () => {
    const landed: number[] = [];
    let calls = 0;
    const writer = writeBehind({
      buffers: [Buffer.alloc(4), Buffer.alloc(4)],
      position: 0,
      flushMs: 60_000,
      write: async () => {
        if (calls++ === 0) throw new Error("ENOSPC");
      },
      landed: (bytes, position) => landed.push(position),
    });
    writer.push(Buffer.from("abcd"));
    writer.push(Buffer.from("efgh"));
    await expect(writer.drain()).rejects.toThrow("ENOSPC");
    expect(landed).toEqual([]);
    expect(calls).toBe(1);
  });
});
