import { describe, expect, it } from "vitest";
import { lineageGroups, type LineageItem } from "./lineage-groups";
import { modelParent } from "./model-parent";

const roots = { workspaceRoot: "/data/ws", hubCache: "/home/a/.cache/huggingface/hub" };
const ws = (name: string, origin: string | null, sourcePath?: string): LineageItem => ({ name, origin, parent: modelParent(sourcePath, roots) });
const byName = (a: LineageItem, b: LineageItem) => a.name.localeCompare(b.name);
const shape = (groups: ReturnType<typeof lineageGroups>) => groups.map((g) => [g.origin, g.rows.map((r) => `${" ".repeat(r.depth)}${r.item.name}`)]);

describe("lineageGroups", () => {
  it("puts a quantized child under its parent workspace, and groups workspaces by the repo they came from", () => {
    const items = [
      ws("tiny-4bit", "acme/tiny", "/data/ws/tiny"),
      ws("other", null),
      ws("tiny", "acme/tiny"),
      ws("tiny-4bit-fixed", "acme/tiny", "/data/ws/tiny-4bit"),
      ws("copy", "acme/tiny", "/home/a/.cache/huggingface/hub/models--acme--tiny/snapshots/0123"),
      ws("big", "zeta/big"),
    ];
    expect(shape(lineageGroups(items, byName))).toEqual([
      ["zeta/big", ["big"]],
      ["acme/tiny", ["copy", "tiny", " tiny-4bit", "  tiny-4bit-fixed"]],
      [null, ["other"]],
    ]);
    // The reverse order reverses siblings and groups, lineage stays.
    expect(shape(lineageGroups(items, (a, b) => byName(b, a)))).toEqual([
      ["acme/tiny", ["tiny", " tiny-4bit", "  tiny-4bit-fixed", "copy"]],
      ["zeta/big", ["big"]],
      [null, ["other"]],
    ]);
  });

  it("never hides a workspace: a missing parent or a claimed cycle leaves it at the top", () => {
    const items = [ws("a", null, "/data/ws/b"), ws("b", null, "/data/ws/a"), ws("c", null, "/data/ws/a"), ws("orphan", "x/y", "/data/ws/gone")];
    expect(shape(lineageGroups(items, byName))).toEqual([
      ["x/y", ["orphan"]],
      [null, ["a", " c", "b"]],
    ]);
  });
});

describe("modelParent", () => {
  it("knows a workspace of the root and a cache repo, and nothing else", () => {
    expect(modelParent("/data/ws/tiny", roots)).toEqual({ kind: "workspace", name: "tiny" });
    expect(modelParent("/home/a/.cache/huggingface/hub/models--acme--tiny-v2/snapshots/abc", roots)).toEqual({ kind: "cache", name: "acme/tiny-v2" });
    for (const other of ["/data/ws/a/b", "/data/ws", "/data/ws/../etc", "tiny", "/data/ws/.hidden", 42, null, `/data/ws/${"x".repeat(5000)}`]) {
      expect(modelParent(other, roots)).toBeNull();
    }
  });
});
