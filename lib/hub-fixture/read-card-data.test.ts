import { describe, expect, it } from "vitest";
import { readCardData } from "./read-card-data";

describe("readCardData", () => {
  it("reads scalars, block and flow lists, and leaves nested mappings out", () => {
    const readme = [
      "---",
      "license: apache-2.0",
      'base_model: "HuggingFaceTB/SmolLM2-135M-Instruct"',
      "tags:",
      "- mlx",
      "- text-generation",
      "language: [en, fr]",
      "model-index:",
      "- name: x",
      "  results: []",
      "pipeline_tag: text-generation  # a comment",
      "---",
      "# Card",
    ].join("\n");
    expect(readCardData(readme)).toEqual({
      license: "apache-2.0",
      base_model: "HuggingFaceTB/SmolLM2-135M-Instruct",
      tags: ["mlx", "text-generation"],
      language: ["en", "fr"],
      pipeline_tag: "text-generation",
    });
  });

  it("is null for a card without metadata", () => {
    expect(readCardData("# Just prose\n")).toBeNull();
  });
});
