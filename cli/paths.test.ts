import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { workspacePath } from "./paths";

const root = "/data/workspaces";

describe("workspacePath (the TARGET of clone and convert)", () => {
  it("puts a name, even one with folders, inside the workspace root", () => {
    expect(workspacePath("ws", root)).toBe(join(root, "ws"));
    expect(workspacePath("team/ws", root)).toBe(join(root, "team", "ws"));
    expect(workspacePath("a/../b", root)).toBe(join(root, "b"));
  });

  it("refuses a name whose `..` leaves the workspace root (issue #10 finding 6)", () => {
    for (const name of ["../../escape", "..", "x/../../../folder", "a/..", "../ws"]) {
      expect(() => workspacePath(name, root), name).toThrow(expect.objectContaining({ code: "target_outside_workspace_root", hint: expect.stringMatching(/\.\//) }));
    }
  });

  it("takes a path the user typed as theirs: absolute, ./, ~/", () => {
    expect(workspacePath("/elsewhere/ws", root)).toBe("/elsewhere/ws");
    expect(workspacePath("./ws", root)).toBe(resolve("ws"));
    expect(workspacePath(".", root)).toBe(resolve("."));
    expect(workspacePath("~/ws", root)).toBe(join(homedir(), "ws"));
  });
});
