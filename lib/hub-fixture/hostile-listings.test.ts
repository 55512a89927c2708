import { describe, expect, it, onTestFinished } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { startFaultProxy } from "./fault-proxy";
import { HOSTILE_LISTINGS, sizeLarger, type ListingEntry } from "./hostile-listings";
import { startHubFixture } from "./start-hub-fixture";
import { makeRepoFolder } from "./test-support/make-repo-folder";

const tempDir = useTempDirs();
const SHARD = "model-00001-of-00002.safetensors";

describe("hostile listings", () => {
  it("each transform makes the lie it names out of the fixture's real tree listing and paths-info", async () => {
    const dir = await makeRepoFolder(await tempDir(), { seed: 41 });
    const hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir }] }] });
    const proxy = await startFaultProxy({ target: hub.url });
    onTestFinished(async () => {
      await proxy.close();
      await hub.close();
    });
    const treeUrl = (origin: string) => `${origin}/api/models/acme/tiny/tree/main?recursive=true`;
    const real = (await (await fetch(treeUrl(hub.url))).json()) as ListingEntry[];
    const shard = real.find((e) => e.path === SHARD)!;
    const readme = real.find((e) => e.path === "README.md")!;
    const shardSized = (size: number) => real.map((e) => (e === shard ? { ...e, size, lfs: { ...e.lfs, size } } : e));
    const added = (path: string) => [...real, { ...shard, path }];
    const expected: Record<string, unknown> = {
      traversalPath: added("../escape"),
      absolutePath: added("/abs/file"),
      dotPath: added("."),
      nulInPath: added("a\u0000b"),
      backslashPath: added("a\\b"),
      sizeSmaller: shardSized(Math.floor(shard.size / 2)),
      sizeLarger: shardSized(shard.size + 4096),
      negativeSize: shardSized(-1),
      fractionalSize: shardSized(shard.size + 0.5),
      absurdSize: shardSized(1e18),
      wrongOid: real.map((e) => (e === readme ? { ...e, oid: expect.not.stringMatching(readme.oid) } : e)),
      wrongLfsOid: real.map((e) => (e === shard ? { ...e, lfs: { ...e.lfs, oid: expect.not.stringMatching(shard.lfs!.oid) } } : e)),
      duplicatedEntry: real.flatMap((e) => (e === shard ? [e, e] : [e])),
    };
    expect(Object.keys(HOSTILE_LISTINGS)).toEqual(Object.keys(expected));

    for (const [name, transform] of Object.entries(HOSTILE_LISTINGS)) {
      proxy.rules.splice(0, proxy.rules.length, { match: { path: "/tree/" }, fault: { kind: "rewriteJson", transform } });
      const lied = (await (await fetch(treeUrl(proxy.url))).json()) as ListingEntry[];
      expect({ name, lied }).toEqual({ name, lied: expected[name] });
    }
    const before = JSON.stringify(real);
    for (const transform of Object.values(HOSTILE_LISTINGS)) transform(real, { method: "GET", path: "/" });
    expect(JSON.stringify(real)).toBe(before);

    proxy.rules.splice(0, proxy.rules.length, { match: { path: "/paths-info/" }, fault: { kind: "rewriteJson", transform: sizeLarger } });
    const info = await fetch(`${proxy.url}/api/models/acme/tiny/paths-info/main`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ paths: [SHARD, "config.json"] }),
    });
    expect(await info.json()).toEqual([
      expect.objectContaining({ path: SHARD, size: shard.size + 4096, lfs: { ...shard.lfs, size: shard.size + 4096 } }),
      expect.objectContaining({ path: "config.json", size: real.find((e) => e.path === "config.json")?.size }),
    ]);
  });
});
