/**
 * A model card's YAML metadata as the Hub returns it in `cardData`. The
 * fixture reads the subset the cards it serves use (top-level `key: value`,
 * `key: [a, b]`, and `key:` followed by `- item` lines); a key holding a
 * nested mapping (`model-index`) is left out rather than guessed at.
 */
export function readCardData(readme: string): Record<string, unknown> | null {
  const block = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(readme);
  if (!block?.[1]) return null;
  const data: Record<string, unknown> = {};
  let list: { key: string; items: unknown[] } | null = null;
  for (const line of block[1].split(/\r?\n/)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item && list) {
      if (/^[\w-]+:\s/.test(item[1] as string)) {
        delete data[list.key];
        list = null;
      } else {
        list.items.push(scalar(item[1] as string));
      }
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/.exec(line);
    if (!pair) {
      if (list && !line.startsWith(" ")) list = null;
      continue;
    }
    const [, key, value] = pair as unknown as [string, string, string | undefined];
    if (value === undefined || value.trim() === "") {
      list = { key, items: [] };
      data[key] = list.items;
    } else {
      list = null;
      const flow = /^\[(.*)\]$/.exec(value.trim());
      data[key] = flow ? (flow[1] as string).split(",").map((s) => s.trim()).filter(Boolean).map(scalar) : scalar(value);
    }
  }
  return data;
}

function scalar(text: string): unknown {
  const value = text.replace(/\s+#.*$/, "").trim();
  const quoted = /^(["'])(.*)\1$/.exec(value);
  if (quoted) return quoted[2];
  if (value === "true" || value === "false") return value === "true";
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}
