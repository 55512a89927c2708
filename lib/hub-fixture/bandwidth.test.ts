import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { startHubFixture } from "./start-hub-fixture";

const tempDir = useTempDirs();

describe("hub fixture bandwidth", () => {
  it("shares one bandwidth between every file body it sends", async () => {
    const dir = join(await tempDir(), "repo");
    await mkdir(dir);
    await writeFile(join(dir, "a.bin"), Buffer.alloc(300_000, 1));
    await writeFile(join(dir, "b.bin"), Buffer.alloc(300_000, 2));
    const hub = await startHubFixture({ repos: [{ id: "org/slow", revisions: [{ dir }] }], bandwidth: 1_000_000 });
    try {
      const started = performance.now();
      const bodies = await Promise.all(["a.bin", "b.bin"].map(async (f) => Buffer.from(await (await fetch(`${hub.url}/org/slow/resolve/main/${f}`)).arrayBuffer())));
      const seconds = (performance.now() - started) / 1000;
      expect(bodies.map((b) => b.length)).toEqual([300_000, 300_000]);
      expect(bodies[1]?.every((x) => x === 2)).toBe(true);
      // 600 kB through one 1 MB/s link: at least 0.6 s, whatever the number of connections.
      expect(seconds).toBeGreaterThan(0.55);
      expect(seconds).toBeLessThan(5);
    } finally {
      await hub.close();
    }
  });

  it("caps each file body on its own, as a CDN caps each connection", async () => {
    const dir = join(await tempDir(), "repo");
    await mkdir(dir);
    const files = ["a.bin", "b.bin", "c.bin"];
    for (const f of files) await writeFile(join(dir, f), Buffer.alloc(300_000, 3));
    const hub = await startHubFixture({ repos: [{ id: "org/cdn", revisions: [{ dir }] }], connectionBandwidth: 1_000_000 });
    try {
      const started = performance.now();
      const bodies = await Promise.all(files.map(async (f) => Buffer.from(await (await fetch(`${hub.url}/org/cdn/resolve/main/${f}`)).arrayBuffer())));
      const seconds = (performance.now() - started) / 1000;
      expect(bodies.map((b) => b.length)).toEqual([300_000, 300_000, 300_000]);
      // 300 kB per connection at 1 MB/s each: about 0.3 s, where one shared link would take 0.9 s.
      expect(seconds).toBeGreaterThan(0.27);
      expect(seconds).toBeLessThan(0.8);
    } finally {
      await hub.close();
    }
  });
});
