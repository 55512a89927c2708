import { describe, expect, it } from "vitest";
import { runPython } from "../testing/python";
import { fnmatch } from "./fnmatch";

/** Patterns and names where fnmatch's corners are: sets, negation, ranges, a `]` first in a set, unclosed `[`, regex metacharacters. */
const PATTERNS = ["[\uffff-😀]", "[!😀]", "*.lock", ".*.swp", "._*", "Icon\r", "*~", "a?c", "[abc]x", "[!abc]x", "[a-c]*", "[]]", "[!]]", "[", "[a", "a.c", "a+b", "(x)", "*a*b*", "$RECYCLE.BIN", "[z-a]", "[-a]", "\\*", "*"];
const NAMES = ["😀", "\uffff", "x.lock", ".a.swp", "._DS", "Icon\r", "file~", "abc", "a.c", "axc", "bx", "dx", "]", "[", "[a", "a+b", "(x)", "aXbY", "$RECYCLE.BIN", "z", "-", "\\x", "", "ä.lock", "ab", "ba"];

describe("fnmatch", () => {
  it("matches as Python's fnmatch.fnmatchcase does", async () => {
    const out = await runPython(
      "import sys, json, fnmatch\nps, ns = json.loads(sys.argv[1]), json.loads(sys.argv[2])\nprint(json.dumps([[fnmatch.fnmatchcase(n, p) for n in ns] for p in ps]))",
      [JSON.stringify(PATTERNS), JSON.stringify(NAMES)],
    );
    const python = JSON.parse(out.trim()) as boolean[][];
    expect(PATTERNS.map((p) => NAMES.map((n) => fnmatch(n, p)))).toEqual(python);
  });

  it("takes time linear in the name for a pattern built to backtrack (issue #10 finding 3)", () => {
    const pattern = `${"*a".repeat(40)}*b`;
    const started = performance.now();
    for (let n = 0; n < 100; n++) expect(fnmatch("a".repeat(255), pattern)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
