/**
 * Python's `fnmatch.fnmatchcase` as huggingface_hub's allow/ignore patterns use
 * it: `*` matches any run of characters including `/`, `?` one character,
 * `[seq]` / `[!seq]` a class; a pattern ending in `/` matches everything below
 * that folder, and `\` counts as `/`. Matched without regular expressions, in
 * time proportional to path × pattern length at worst, so no pattern can make
 * it backtrack catastrophically.
 */
type Token =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "class"; negate: boolean; chars: string; ranges: [string, string][] };

export type GlobPattern = Token[];

function parseClass(pattern: readonly string[], open: number): { token: Token; next: number } | null {
  let j = open + 1;
  if (pattern[j] === "!") j++;
  if (pattern[j] === "]") j++;
  while (j < pattern.length && pattern[j] !== "]") j++;
  if (j >= pattern.length) return null;
  let body = pattern.slice(open + 1, j);
  const negate = body[0] === "!";
  if (negate) body = body.slice(1);
  const ranges: [string, string][] = [];
  let chars = "";
  for (let k = 0; k < body.length; k++) {
    const lo = body[k] as string;
    const hi = body[k + 2];
    if (body[k + 1] === "-" && hi !== undefined) {
      if (lo <= hi) ranges.push([lo, hi]);
      k += 2;
    } else chars += lo;
  }
  return { token: { kind: "class", negate, chars, ranges }, next: j + 1 };
}

export function compileGlob(pattern: string): GlobPattern {
  const normalized = pattern.replaceAll("\\", "/");
  // Code points, not UTF-16 units, so `?` matches one character as in Python.
  const source = Array.from(normalized.endsWith("/") ? `${normalized}*` : normalized);
  const tokens: Token[] = [];
  for (let i = 0; i < source.length; ) {
    const c = source[i] as string;
    if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
      i++;
    } else if (c === "?") {
      tokens.push({ kind: "any" });
      i++;
    } else if (c === "[") {
      const parsed = parseClass(source, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.next;
      } else {
        tokens.push({ kind: "char", char: c });
        i++;
      }
    } else {
      tokens.push({ kind: "char", char: c });
      i++;
    }
  }
  return tokens;
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case "char":
      return token.char === char;
    case "any":
      return true;
    case "class": {
      const inside = token.chars.includes(char) || token.ranges.some(([lo, hi]) => lo <= char && char <= hi);
      return inside !== token.negate;
    }
    case "star":
      return false;
  }
}

/** The classic two-pointer wildcard match: on a mismatch only the last `*` is retried, one character further. */
export function globMatch(pattern: GlobPattern, path: string): boolean {
  const text = Array.from(path.replaceAll("\\", "/"));
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const token = pattern[p];
    if (token?.kind === "star") {
      starP = p++;
      starT = t;
    } else if (token && matchesOne(token, text[t] as string)) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (pattern[p]?.kind === "star") p++;
  return p === pattern.length;
}

/** huggingface_hub's filter_repo_objects: in at least one `include` (when given) and in no `exclude`. */
export function selectPaths<T>(items: readonly T[], pathOf: (item: T) => string, include?: readonly string[], exclude?: readonly string[]): T[] {
  const allow = include?.map(compileGlob);
  const deny = exclude?.map(compileGlob) ?? [];
  return items.filter((item) => {
    const path = pathOf(item);
    if (allow && !allow.some((g) => globMatch(g, path))) return false;
    return !deny.some((g) => globMatch(g, path));
  });
}
