import { describe, expect, it } from "vitest";
import { makeShards, MAX_SHARD_BYTES, shardName } from "./make-shards";

describe("make_shards as mlx-lm splits weights", () => {
  it("names one shard model.safetensors and several model-0000i-of-0000n", () => {
    expect(shardName(0, 1)).toBe("model.safetensors");
    expect(shardName(1, 3)).toBe("model-00002-of-00003.safetensors");
  });

  it("fills a shard up to exactly the limit, gives an oversized tensor its own, never an empty one", () => {
    const t = (name: string, bytes: number) => ({ name, bytes });
    const shards = makeShards([t("a", 6), t("b", 4), t("c", 11), t("d", 1), t("e", 10)], 10);
    expect(shards.map((s) => [s.file, s.tensors.map((x) => x.name), s.bytes])).toEqual([
      ["model-00001-of-00004.safetensors", ["a", "b"], 10],
      ["model-00002-of-00004.safetensors", ["c"], 11],
      ["model-00003-of-00004.safetensors", ["d"], 1],
      ["model-00004-of-00004.safetensors", ["e"], 10],
    ]);
    expect(makeShards([t("big", 20)], 10).map((s) => s.tensors.length)).toEqual([1]);
    expect(MAX_SHARD_BYTES).toBe(5 * 1024 ** 3);
  });
});
