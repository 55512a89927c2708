/**
 * Glob patterns with Python `fnmatch` semantics, as huggingface_hub's
 * allow/ignore patterns (and so `.hfignore` files) use them: `*` matches any
 * run of characters including `/`, `?` one character, `[seq]` / `[!seq]` a
 * class; a pattern ending in `/` matches everything below that folder.
 * Matched without regular expressions, by the one-backtrack-point algorithm
 * (R. Cox, "Glob Matching Can Be Simple And Fast Too"): at worst path × pattern
 * steps, so no pattern can make it backtrack catastrophically.
 */
type Token =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "class"; negate: boolean; chars: string; ranges: [string, string][] };

export type Glob = readonly Token[];

/** Longest pattern accepted; longer ones match nothing rather than cost time. */
const MAX_PATTERN = 1000;

function parseClass(source: readonly string[], open: number): { token: Token; next: number } | null {
  let close = open + 1;
  if (source[close] === "!") close++;
  if (source[close] === "]") close++;
  while (close < source.length && source[close] !== "]") close++;
  if (close >= source.length) return null;
  let body = source.slice(open + 1, close);
  const negate = body[0] === "!";
  if (negate) body = body.slice(1);
  let chars = "";
  const ranges: [string, string][] = [];
  for (let i = 0; i < body.length; i++) {
    const low = body[i] as string;
    const high = body[i + 2];
    if (body[i + 1] === "-" && high !== undefined) {
      if (low <= high) ranges.push([low, high]);
      i += 2;
    } else chars += low;
  }
  return { token: { kind: "class", negate, chars, ranges }, next: close + 1 };
}

export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_PATTERN) return [{ kind: "class", negate: false, chars: "", ranges: [] }];
  // huggingface_hub reads `\` in a pattern as `/`.
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
      tokens.push(parsed ? parsed.token : { kind: "char", char: c });
      i = parsed ? parsed.next : i + 1;
    } else {
      tokens.push({ kind: "char", char: c });
      i++;
    }
  }
  return tokens;
}

function matchesOne(token: Token, char: string): boolean {
  if (token.kind === "char") return token.char === char;
  if (token.kind === "any") return true;
  if (token.kind === "star") return false;
  const inside = token.chars.includes(char) || token.ranges.some(([low, high]) => low <= char && char <= high);
  return inside !== token.negate;
}

export function globMatch(glob: Glob, path: string): boolean {
  const text = Array.from(path);
  let p = 0;
  let t = 0;
  // Where to resume after the last star: the token after it, and the next text position it may absorb.
  let starP = -1;
  let starT = 0;
  while (t < text.length || p < glob.length) {
    const token = glob[p];
    if (token) {
      if (token.kind === "star") {
        starP = p;
        starT = t + 1;
        p++;
        continue;
      }
      if (t < text.length && matchesOne(token, text[t] as string)) {
        p++;
        t++;
        continue;
      }
    }
    if (starP !== -1 && starT <= text.length) {
      p = starP + 1;
      t = starT;
      starT++;
      continue;
    }
    return false;
  }
  return true;
}

/** Whether any of the patterns matches the path. */
export function matchesAny(globs: readonly Glob[], path: string): boolean {
  return globs.some((glob) => globMatch(glob, path));
}

/** huggingface_hub's filter_repo_objects: in at least one `include` (when given) and in no `exclude`. */
export function selectPaths<T>(items: readonly T[], pathOf: (item: T) => string, include?: readonly string[], exclude?: readonly string[]): T[] {
  const allow = include?.map(compileGlob);
  const deny = exclude?.map(compileGlob) ?? [];
  return items.filter((item) => {
    const path = pathOf(item);
    if (allow && !matchesAny(allow, path)) return false;
    return !matchesAny(deny, path);
  });
}
