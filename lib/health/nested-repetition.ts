/**
 * Whether a regular expression repeats something that itself repeats without
 * bound, as `(a+)+` or `(?:x*y)*`: the shape that makes a backtracking engine
 * (Oniguruma, which the tokenizers library uses) try exponentially many ways
 * to match text that almost matches. Reads escapes, character classes and
 * group openers (`(?:`, `(?i:`, lookarounds) so none of their characters is
 * taken for a quantifier.
 */
export function nestsRepetition(pattern: string): boolean {
  // One flag per open group: does its content repeat without bound?
  const repeats: boolean[] = [false];
  // The atom a quantifier would apply to: a closed group (and whether it repeats), or anything else.
  let previous: { group: boolean; repeats: boolean } | null = null;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const property = /^\\[pP]\{[^}]*\}/.exec(pattern.slice(i));
      i += property ? property[0].length : 2;
      previous = { group: false, repeats: false };
    } else if (c === "[") {
      i = classEnd(pattern, i);
      previous = { group: false, repeats: false };
    } else if (c === "(") {
      repeats.push(false);
      i += groupOpener(pattern, i);
      previous = null;
    } else if (c === ")") {
      const inner = repeats.length > 1 ? (repeats.pop() as boolean) : false;
      if (inner) repeats[repeats.length - 1] = true;
      previous = { group: true, repeats: inner };
      i += 1;
    } else {
      const quantifier = /^(?:[*+?]|\{\d*,?\d*\})[?+]?/.exec(pattern.slice(i));
      if (quantifier && previous) {
        const unbounded = /^[*+]|^\{\d*,\}/.test(quantifier[0]);
        if (unbounded && previous.group && previous.repeats) return true;
        if (unbounded) repeats[repeats.length - 1] = true;
        i += quantifier[0].length;
        previous = null;
      } else {
        i += 1;
        previous = { group: false, repeats: false };
      }
    }
  }
  return false;
}

/** Index after the `]` that closes the class opened at `start`; Oniguruma nests classes (`[a-z&&[^aeiou]]`), and a `]` first in a class is a literal. */
function classEnd(pattern: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\") i += 2;
    else if (c === "[") {
      depth += 1;
      i += pattern[i + 1] === "^" ? 2 : 1;
      if (pattern[i] === "]") i += 1;
    } else if (c === "]") {
      depth -= 1;
      i += 1;
      if (depth === 0) return i;
    } else i += 1;
  }
  return i;
}

/** Length of a group's opener: `(`, `(?:`, `(?=`, `(?<!`, `(?<name>`, `(?i:` and the like. */
function groupOpener(pattern: string, start: number): number {
  if (pattern[start + 1] !== "?") return 1;
  const opener = /^\(\?(?:[:=!>]|<[=!]|<[^>]*>|P<[^>]*>|[a-zA-Z-]*:?)/.exec(pattern.slice(start));
  return opener ? opener[0].length : 2;
}
