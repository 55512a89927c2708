import { describe, expect, it } from "vitest";
import { runPython } from "../testing/python";
import { pipelineLayerRanges, pipelineShards } from "./pipeline-shards";

describe("pipelineLayerRanges", () => {
  it("splits the layers exactly as the installed mlx-lm's pipeline() does, rank 0 holding the last", async () => {
    const cases = [
      [4, 2],
      [6, 4],
      [7, 3],
      [30, 8],
      [5, 5],
    ] as const;
    // mlx-lm's own PipelineMixin, on a list standing for the layers and a group that only says its rank and size.
    const mlxLm = JSON.parse(
      await runPython(
        [
          "import json, sys",
          "from mlx_lm.models.pipeline import PipelineMixin",
          "class Group:",
          "    def __init__(self, rank, size): self.r, self.s = rank, size",
          "    def rank(self): return self.r",
          "    def size(self): return self.s",
          "class Stages(PipelineMixin):",
          "    def __init__(self, n): super().__init__(); self.layers = list(range(n))",
          "out = []",
          "for layers, ranks in json.loads(sys.argv[1]):",
          "    row = []",
          "    for r in range(ranks):",
          "        s = Stages(layers); s.pipeline(Group(r, ranks)); row.append({'start': s.start_idx, 'end': s.end_idx})",
          "    out.append(row)",
          "print(json.dumps(out))",
        ].join("\n"),
        [JSON.stringify(cases)],
      ),
    ) as unknown[];
    expect(cases.map(([layers, ranks]) => pipelineLayerRanges(layers, ranks))).toEqual(mlxLm);
    expect(pipelineLayerRanges(7, 3)).toEqual([
      { start: 4, end: 7 },
      { start: 2, end: 4 },
      { start: 0, end: 2 },
    ]);
  });
});

describe("pipelineShards", () => {
  const weightMap = {
    "model.embed_tokens.weight": "model-00004-of-00004.safetensors",
    "model.norm.weight": "model-00004-of-00004.safetensors",
    "model.layers.0.mlp.up_proj.weight": "model-00001-of-00004.safetensors",
    "model.layers.1.mlp.up_proj.weight": "model-00001-of-00004.safetensors",
    "model.layers.2.mlp.up_proj.weight": "model-00002-of-00004.safetensors",
    "model.layers.3.mlp.up_proj.weight": "model-00002-of-00004.safetensors",
    "model.layers.4.mlp.up_proj.weight": "model-00003-of-00004.safetensors",
    "model.layers.5.mlp.up_proj.weight": "model-00003-of-00004.safetensors",
  };

  it("gives each rank the files of its layers and those outside the layers, and no other", () => {
    expect(pipelineShards(weightMap, 6, 2)).toEqual([
      ["model-00002-of-00004.safetensors", "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors"],
      ["model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors", "model-00004-of-00004.safetensors"],
    ]);
  });

  it("refuses an index that misses a layer, names a file outside the folder, or a split that cannot be", () => {
    const gap = Object.fromEntries(Object.entries(weightMap).filter(([key]) => !key.startsWith("model.layers.4.")));
    expect(() => pipelineShards(gap, 6, 2)).toThrow(expect.objectContaining({ code: "pipeline_layers_missing", message: expect.stringContaining("layer 4") }));
    expect(() => pipelineShards({ ...weightMap, "lm_head.weight": "../other/model.safetensors" }, 6, 2)).toThrow(expect.objectContaining({ code: "index_invalid" }));
    expect(() => pipelineShards(weightMap, 6, 7)).toThrow(expect.objectContaining({ code: "pipeline_layers" }));
  });
});
