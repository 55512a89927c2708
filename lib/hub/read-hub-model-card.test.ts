import { describe, expect, it } from "vitest";
import { cardBody } from "./read-hub-model-card";

describe("cardBody", () => {
  it("drops the YAML metadata block and keeps the prose", () => {
    expect(cardBody("---\nlicense: mit\ntags:\n- mlx\n---\n\n# Title\n\nText.\n")).toBe("# Title\n\nText.");
    expect(cardBody("# No metadata\n---\nrule above")).toBe("# No metadata\n---\nrule above");
  });
});
