/**
 * Python's `fnmatch.fnmatchcase` (`*`, `?`, `[seq]`, `[!seq]`, ranges) without
 * building a RegExp: patterns come from sentinels other tools (or a repo)
 * wrote, and a RegExp from `*a*a*a…b` backtracks for hours. Matching keeps one
 * backtrack point (the last `*`), so it costs at most name × pattern steps.
 */
type Token =
  | { kind: "star" }
  | { kind: "any" }
  | { kind: "char"; char: string }
  | { kind: "set"; negate: boolean; ranges: [string, string][] };

/** `[…]` content as Python reads it: a leading `!` negates; `a-z` is a range; a reversed range matches nothing. */
function parseSet(body: string): Token {
  const negate = body.startsWith("!");
  const chars = [...(negate ? body.slice(1) : body)];
  const ranges: [string, string][] = [];
  for (let k = 0; k < chars.length; k++) {
    const lo = chars[k] as string;
    if (chars[k + 1] === "-" && k + 2 < chars.length) {
      const hi = chars[k + 2] as string;
      if ((lo.codePointAt(0) as number) <= (hi.codePointAt(0) as number)) ranges.push([lo, hi]);
      k += 2;
    } else ranges.push([lo, lo]);
  }
  return { kind: "set", negate, ranges };
}

function compile(pattern: string): Token[] {
  const chars = [...pattern];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "?") tokens.push({ kind: "any" });
    else if (c === "[") {
      // Python: a `!` and then a `]` right after `[` belong to the set; the next `]` closes it.
      let j = i + 1;
      if (chars[j] === "!") j++;
      if (chars[j] === "]") j++;
      while (j < chars.length && chars[j] !== "]") j++;
      if (j >= chars.length) tokens.push({ kind: "char", char: "[" });
      else {
        tokens.push(parseSet(chars.slice(i + 1, j).join("")));
        i = j;
      }
    } else tokens.push({ kind: "char", char: c });
  }
  return tokens;
}

const code = (char: string) => char.codePointAt(0) as number;

/** Compares code points, as Python does (UTF-16 order differs above U+FFFF). */
function matchesOne(token: Token, char: string): boolean {
  if (token.kind === "any") return true;
  if (token.kind === "char") return token.char === char;
  if (token.kind === "set") return token.ranges.some(([lo, hi]) => code(lo) <= code(char) && code(char) <= code(hi)) !== token.negate;
  return false;
}

/** A matcher for one pattern, compiled once. */
export function fnmatcher(pattern: string): (name: string) => boolean {
  const tokens = compile(pattern);
  return (name) => {
    const chars = [...name];
    let p = 0;
    let n = 0;
    let star = -1;
    let resume = 0;
    while (n < chars.length) {
      const token = tokens[p];
      if (token?.kind === "star") {
        star = p++;
        resume = n;
      } else if (token && matchesOne(token, chars[n] as string)) {
        p++;
        n++;
      } else if (star >= 0) {
        p = star + 1;
        n = ++resume;
      } else return false;
    }
    while (tokens[p]?.kind === "star") p++;
    return p === tokens.length;
  };
}

export function fnmatch(name: string, pattern: string): boolean {
  return fnmatcher(pattern)(name);
}
