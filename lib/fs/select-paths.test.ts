import { describe, expect, it } from "vitest";
import { runPython } from "../testing/python";
import { compileGlob, globMatch, selectPaths } from "./glob-match";

const PATTERNS = ["*.json", "model*.safetensors", "*", "docs/", "docs/*.md", "?.txt", "[ab]*", "[!a]*", "[a-c]?", "[]x]", "[", "a[", "*.[jt]son", "tokenizer.*", "\\docs\\*", "*/notes/*", "**", "x*y*z", "é?"];
const PATHS = ["config.json", "model-00001-of-00002.safetensors", "docs/notes/usage.md", "docs/readme.md", "a.txt", "ab.txt", "b", "]", "x", "[", "a[", "tokenizer.json", "ttt.tson", "xayaz", "xyz", "éé", "é😀", "sub/config.json"];

describe("globMatch", () => {
  it("matches exactly as Python's fnmatchcase with huggingface_hub's folder and backslash rules", async () => {
    const code = [
      "import json, sys",
      "from huggingface_hub.utils import filter_repo_objects",
      "patterns, paths = json.loads(sys.argv[1]), json.loads(sys.argv[2])",
      "print(json.dumps({p: list(filter_repo_objects(paths, allow_patterns=[p])) for p in patterns}))",
    ].join("\n");
    const python = JSON.parse(await runPython(code, [JSON.stringify(PATTERNS), JSON.stringify(PATHS)])) as Record<string, string[]>;
    for (const pattern of PATTERNS) {
      expect({ pattern, matched: selectPaths(PATHS, (p) => p, [pattern]) }).toEqual({ pattern, matched: python[pattern] });
    }
  });

  it("applies include then exclude", () => {
    expect(selectPaths(PATHS, (p) => p, ["*.json", "docs/"], ["sub/*"])).toEqual(["config.json", "docs/notes/usage.md", "docs/readme.md", "tokenizer.json"]);
    expect(selectPaths(PATHS, (p) => p, undefined, ["*"])).toEqual([]);
  });

  it("stays linear on patterns that make regular expressions backtrack", () => {
    const pattern = compileGlob(`${"*a".repeat(40)}*b`);
    const started = performance.now();
    expect(globMatch(pattern, "a".repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
