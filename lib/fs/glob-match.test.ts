import { describe, expect, it } from "vitest";
import { compileGlob, globMatch } from "./glob-match";

const match = (pattern: string, path: string) => globMatch(compileGlob(pattern), path);

describe("globMatch", () => {
  it("matches as Python's fnmatch does: * crosses folders, ? is one character, classes and negated classes", () => {
    expect(match("*.bin", "weights.bin")).toBe(true);
    expect(match("*.bin", "sub/dir/weights.bin")).toBe(true);
    expect(match("*.bin", "weights.bin.txt")).toBe(false);
    expect(match("model-?????-of-*.safetensors", "model-00001-of-00002.safetensors")).toBe(true);
    expect(match("model-?????-of-*.safetensors", "model-0001-of-00002.safetensors")).toBe(false);
    expect(match("[abc]*.json", "b.json")).toBe(true);
    expect(match("[!abc]*.json", "b.json")).toBe(false);
    expect(match("file[0-9].txt", "file7.txt")).toBe(true);
    expect(match("file[0-9].txt", "filex.txt")).toBe(false);
    expect(match("[unclosed", "[unclosed")).toBe(true);
    expect(match("?", "é")).toBe(true);
    expect(match("", "")).toBe(true);
    expect(match("", "a")).toBe(false);
    expect(match("**", "a/b/c")).toBe(true);
  });

  it("takes a trailing slash as everything below that folder", () => {
    expect(match("drafts/", "drafts/a.txt")).toBe(true);
    expect(match("drafts/", "drafts/deep/a.txt")).toBe(true);
    expect(match("drafts/", "drafts")).toBe(false);
    expect(match("drafts/", "other/drafts/a.txt")).toBe(false);
  });

  it("stays fast on patterns that make backtracking matchers explode", () => {
    const started = performance.now();
    const path = "a".repeat(5000);
    expect(match(`${"a*".repeat(100)}b`, path)).toBe(false);
    expect(match(`${"*a".repeat(100)}`, path)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
