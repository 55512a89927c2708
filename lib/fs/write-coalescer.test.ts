import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { writeCoalescer } from "./write-coalescer";

vi.mock("node:fs", async (original) => {
  const real = await original<typeof import("node:fs")>();
  return { ...real, writeSync: vi.fn(real.writeSync) };
});

const tempDir = useTempDirs();

describe("writeCoalescer", () => {
  it("writes contiguous runs as one syscall and every byte where it belongs", async () => {
    const file = join(await tempDir(), "out.bin");
    const fd = openSync(file, "w+");
    const expected = new Uint8Array(100);
    const put = (writer: ReturnType<typeof writeCoalescer>, at: number, length: number, value: number) => {
      const bytes = new Uint8Array(length).fill(value);
      expected.set(bytes, at);
      writer.write(bytes, at);
    };
    const calls = vi.mocked(writeSync);
    calls.mockClear();
    const writer = writeCoalescer(fd, 16);
    put(writer, 0, 4, 1);
    put(writer, 4, 4, 2); // continues the run
    put(writer, 8, 6, 3); // still fits 16 bytes
    expect(calls).toHaveBeenCalledTimes(0);
    put(writer, 14, 4, 4); // would overflow: the 14 gathered bytes go out first
    expect(calls).toHaveBeenCalledTimes(1);
    put(writer, 40, 3, 5); // a gap: flushes, starts a new run
    put(writer, 60, 20, 6); // larger than the buffer: written straight through
    put(writer, 80, 2, 7);
    writer.flush();
    writer.flush(); // nothing left: no empty write
    expect(calls).toHaveBeenCalledTimes(5);
    closeSync(fd);
    expect([...readFileSync(file)]).toEqual([...expected.subarray(0, 82)]);
  });
});
