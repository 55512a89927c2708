/**
 * Seeded mutations of model files for the fuzz drill: bytes, JSON values,
 * chat templates. Every choice comes from the `Random` passed in, so a trial
 * is reproduced from its seed alone.
 */
export type Random = () => number;

export function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)] as T;
}

/** A mulberry32 seed for trial `trial` of a run seeded `seed`: any trial can be run alone. */
export function trialSeed(seed: number, trial: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ trial, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Values that break readers: extremes, wrong types, sizes, nesting. */
export function interestingValue(random: Random): unknown {
  const choices: (() => unknown)[] = [
    () => 0,
    () => -1,
    () => 1e12,
    () => -1e12,
    () => 2 ** 53 + 2,
    () => 1e308,
    () => 2.5,
    () => int(random, 1 << 20),
    () => "",
    () => "x".repeat(int(random, 200_000)),
    () => "1e400",
    () => "{{ '%' }}\u0000\ud800",
    () => null,
    () => true,
    () => [],
    () => ({}),
    () => Array.from({ length: int(random, 50_000) }, (_, i) => i),
    () => nested(int(random, 1000)),
    () => Object.fromEntries(Array.from({ length: int(random, 20_000) }, (_, i) => [`k${i}`, i])),
  ];
  return pick(random, choices)();
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Paths to every value in a JSON document, up to `limit` of them (a large vocab is sampled, not walked whole). */
function paths(value: unknown, limit = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[], depth: number) => {
    if (out.length >= limit || depth > 12) return;
    out.push(path);
    if (Array.isArray(node)) node.slice(0, 50).forEach((child, i) => walk(child, [...path, i], depth + 1));
    else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node).slice(0, 200)) walk(child, [...path, key], depth + 1);
    }
  };
  walk(value, [], 0);
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): Record<string | number, unknown> | null {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  return typeof node === "object" && node !== null ? (node as Record<string | number, unknown>) : null;
}

/**
 * One change to a parsed JSON document, in place where possible: replace a
 * value, delete or add a key, or set one of `focus` (keys that matter to the
 * readers, such as config counts) at the top level. Returns the new root and
 * what was done.
 */
export function mutateJson(root: unknown, random: Random, focus: readonly string[] = []): { root: unknown; change: string } {
  const roll = random();
  if (focus.length > 0 && roll < 0.4 && typeof root === "object" && root !== null && !Array.isArray(root)) {
    const key = pick(random, focus);
    const value = interestingValue(random);
    (root as Record<string, unknown>)[key] = value;
    return { root, change: `set ${key} to ${describeValue(value)}` };
  }
  const all = paths(root);
  const path = pick(random, all);
  if (path.length === 0) {
    const value = interestingValue(random);
    return { root: value, change: `replaced the document with ${describeValue(value)}` };
  }
  const parent = parentOf(root, path);
  const key = path[path.length - 1] as string | number;
  if (!parent) return { root, change: "nothing" };
  if (roll < 0.55 && !Array.isArray(parent)) {
    delete parent[key];
    return { root, change: `deleted ${path.join(".")}` };
  }
  if (roll < 0.65 && !Array.isArray(parent)) {
    const value = interestingValue(random);
    parent[`fuzz_${int(random, 1000)}`] = value;
    return { root, change: `added a key beside ${path.join(".")}: ${describeValue(value)}` };
  }
  const value = interestingValue(random);
  parent[key] = value;
  return { root, change: `set ${path.join(".")} to ${describeValue(value)}` };
}

export function describeValue(value: unknown): string {
  if (typeof value === "string") return value.length > 20 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (Array.isArray(value)) return `a ${value.length}-item list`;
  if (typeof value === "object" && value !== null) return `an object of ${Object.keys(value).length} keys`;
  return String(value);
}

/** Byte-level damage: flips, overwrites, truncation, insertion, duplication. */
export function mutateBytes(bytes: Buffer, random: Random): { bytes: Buffer; change: string } {
  const at = bytes.length === 0 ? 0 : int(random, bytes.length);
  switch (int(random, 6)) {
    case 0: {
      const out = Buffer.from(bytes);
      const flips = 1 + int(random, 8);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const k = int(random, out.length);
        out[k] = (out[k] as number) ^ (1 << int(random, 8));
      }
      return { bytes: out, change: `flipped ${flips} bit(s)` };
    }
    case 1: {
      const out = Buffer.from(bytes);
      const length = Math.min(out.length - at, 1 + int(random, 16));
      for (let i = 0; i < length; i++) out[at + i] = pick(random, [0x00, 0xff, 0x7b, 0x7d, 0x22, 0x5b, 0x39, 0x2d]);
      return { bytes: out, change: `overwrote ${length} byte(s) at ${at}` };
    }
    case 2:
      return { bytes: bytes.subarray(0, at), change: `truncated to ${at} bytes` };
    case 3: {
      const insert = Buffer.from(Array.from({ length: 1 + int(random, 64) }, () => int(random, 256)));
      return { bytes: Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]), change: `inserted ${insert.length} byte(s) at ${at}` };
    }
    case 4: {
      const end = Math.min(bytes.length, at + 1 + int(random, 4096));
      return { bytes: Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]), change: `duplicated bytes ${at}-${end}` };
    }
    default:
      return { bytes: Buffer.alloc(0), change: "emptied the file" };
  }
}

/** Jinja that loops, recurses, allocates, or does not parse; spliced into a real template. */
const TEMPLATE_SNIPPETS = [
  "{% for i in range(1000000000) %}{% endfor %}",
  "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
  "{% set ns = namespace(x=[1]) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
  "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
  "{{ messages[1000000000000] }}",
  "{{ range(100000) | join(',') }}",
  "{% for m in messages %}{% for m2 in messages %}{{ m2.content * 3 }}{% endfor %}{% endfor %}",
  "{{ raise_exception('no') }}",
  "{% if %}",
  "{{ ",
  "{% endfor %}",
  "{{ x.y.z() }}",
  "{{ 'a' ~ 'b' | upper | lower | title | trim }}",
  "{{ (messages | tojson) * 2 }}",
  "{% set x = 10 ** 400 %}{{ x }}",
  "{{ 1 / 0 }}",
  "{% for i in range(-5, 5, 0) %}{% endfor %}",
  "{{ messages | map(attribute='content') | list | length }}",
];

export function mutateTemplate(template: string, random: Random): { template: string; change: string } {
  const at = int(random, template.length + 1);
  switch (int(random, 4)) {
    case 0:
    case 1: {
      const snippet = pick(random, TEMPLATE_SNIPPETS);
      return { template: template.slice(0, at) + snippet + template.slice(at), change: `inserted ${JSON.stringify(snippet.slice(0, 60))} at ${at}` };
    }
    case 2: {
      const end = Math.min(template.length, at + 1 + int(random, 40));
      return { template: template.slice(0, at) + template.slice(end), change: `cut characters ${at}-${end}` };
    }
    default: {
      const depth = 1 + int(random, 3000);
      return { template: "{% if true %}".repeat(depth) + template + "{% endif %}".repeat(depth), change: `nested the template ${depth} ifs deep` };
    }
  }
}

/** Pre-tokenizer patterns, sound and catastrophic, for tokenizer.json's Split. */
export const SPLIT_PATTERNS = [
  "(a+)+$",
  "(?:\\s*x)*y",
  "([a-z]+\\d?)+$",
  "\\p{L}+|\\p{N}{1,3}",
  "[",
  "(?<",
  "\\",
  "(?i:'s|'t)|\\s+(?!\\S)|\\s+",
  "((((((((((a))))))))))*",
];
