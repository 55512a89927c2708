import { WhetError } from "../errors";

/**
 * JSON as Python's `json` module reads and writes it, so a config.json we
 * rewrite is byte-identical to the one mlx-lm writes (`json.dump(config, f,
 * indent=4)`): every number keeps whether it was an int or a float, floats
 * print as Python's `repr`, non-ASCII is escaped, and NaN/Infinity are the
 * bare words Python accepts.
 */
export type PyValue = null | boolean | string | PyNumber | PyValue[] | PyObject;
export type PyObject = Map<string, PyValue>;

export class PyNumber {
  constructor(
    readonly value: number,
    readonly isFloat: boolean,
    /** The int's digits as written (ints may exceed 2^53). */
    readonly intText?: string,
  ) {}
}

export const pyInt = (value: number) => new PyNumber(value, false, String(value));
export const pyFloat = (value: number) => new PyNumber(value, true);

/** Configs nest a few levels; a hostile file nested thousands deep would overflow the stack. */
const MAX_DEPTH = 256;

/** Parses JSON text (plus NaN/Infinity/-Infinity) keeping int/float kinds and key order; errors never quote the text. */
export function parsePyJson(text: string, file = "JSON"): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new WhetError("invalid_json", `${file} is not valid JSON: ${what} at offset ${i}`, "Fix the file or copy it again from the source model.");
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const literal = (word: string, value: PyValue): PyValue => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail(i < text.length ? "unexpected character" : "unexpected end");
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail("unterminated string");
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      // V8's message would quote the string.
      return fail("bad escape in a string");
    }
  };
  const number = (): PyValue => {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return fail("bad number");
    i += match[0].length;
    const isFloat = match[1] !== undefined || match[2] !== undefined;
    return new PyNumber(Number(match[0]), isFloat, isFloat ? undefined : match[0]);
  };
  let depth = 0;
  const value = (): PyValue => {
    if (++depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    try {
      return valueAt();
    } finally {
      depth--;
    }
  };
  const valueAt = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: PyObject = new Map();
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const key = string();
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        out.set(key, value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return out;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const out: PyValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return out;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    if (c === "N") return literal("NaN", pyFloat(Number.NaN));
    if (c === "I") return literal("Infinity", pyFloat(Infinity));
    if (c === "-" && text.startsWith("-Infinity", i)) return literal("-Infinity", pyFloat(-Infinity));
    return number();
  };
  const result = value();
  ws();
  if (i !== text.length) fail("trailing characters");
  return result;
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 ≤ |x| < 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = x.toExponential().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const decpt = Number(exp) + 1;
  let body: string;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) body = `0.${"0".repeat(-decpt)}${digits}`;
    else if (decpt >= digits.length) body = `${digits}${"0".repeat(decpt - digits.length)}.0`;
    else body = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  } else {
    const e = decpt - 1;
    const sign = e < 0 ? "-" : "+";
    body = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${sign}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return negative ? `-${body}` : body;
}

/** `json.dumps(s)` with ensure_ascii: \uXXXX (lowercase hex) for everything outside printable ASCII. */
export function pythonString(s: string): string {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const ch = s[k] as string;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c >= 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `json.dumps(value, indent=4)`; no trailing newline, as `json.dump` writes. */
export function formatPyJson(value: PyValue, indent = 4, level = 0): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return pythonString(value);
  if (value instanceof PyNumber) return value.isFloat ? pythonFloatRepr(value.value) : (value.intText ?? String(value.value));
  const inner = " ".repeat(indent * (level + 1));
  const outer = " ".repeat(indent * level);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + formatPyJson(v, indent, level + 1)).join(",\n")}\n${outer}]`;
  }
  if (value.size === 0) return "{}";
  const entries = [...value].map(([k, v]) => `${inner}${pythonString(k)}: ${formatPyJson(v, indent, level + 1)}`);
  return `{\n${entries.join(",\n")}\n${outer}}`;
}
