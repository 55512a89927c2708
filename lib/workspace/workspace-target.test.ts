import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workspaceTarget } from "./workspace-target";

describe("workspaceTarget", () => {
  it("puts a workspace name inside the root and refuses anything else in words", () => {
    expect(workspaceTarget("tiny-4bit", "/ws")).toBe(join("/ws", "tiny-4bit"));
    for (const name of ["..", ".", "../escape", "a/b", "/etc", "~", ".hidden", "", "x".repeat(129)]) {
      expect(() => workspaceTarget(name, "/ws"), name).toThrow(expect.objectContaining({ code: "invalid_workspace_name" }));
    }
  });
});
