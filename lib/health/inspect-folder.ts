import { lstat, open, readFile, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { isWhetError, type WhetError } from "../errors";
import { readSafetensorsHeader, type SafetensorsHeader } from "../safetensors/read-header";
import { INDEX_FILE, readIndex, type SafetensorsIndex } from "../safetensors/index-file";
import { readSentinel, SENTINEL_FILE, type Sentinel } from "../workspace/sentinel";

export interface FileFact {
  /** Posix path relative to the folder. */
  path: string;
  size: number;
  brokenLink: boolean;
}

export interface ShardFact {
  file: string;
  size: number;
  lfsPointer: boolean;
  header: SafetensorsHeader | null;
  error: WhetError | null;
}

export type JsonFile =
  | { state: "missing" }
  | { state: "invalid"; message: string }
  | { state: "ok"; value: Record<string, unknown> };

export type IndexFact =
  | { state: "missing" }
  | { state: "invalid"; error: WhetError }
  | { state: "ok"; value: SafetensorsIndex };

/** Everything the health rules look at, gathered in one pass that reads no tensor data. */
export interface FolderFacts {
  dir: string;
  /** What the model is called (repo id or folder name), for rules that go by naming conventions. */
  name: string;
  files: FileFact[];
  config: JsonFile;
  tokenizerConfig: JsonFile;
  tokenizer: JsonFile;
  generationConfig: JsonFile;
  /** A chat template kept beside the tokenizer (`chat_template.jinja` or `chat_template.json`), if any. */
  chatTemplateFile: string | null;
  index: IndexFact;
  /** Top-level `*.safetensors`, sorted by name. */
  shards: ShardFact[];
  lfsPointers: string[];
  /** The workspace sentinel, when the folder has a valid one. */
  sentinel: Sentinel | null;
  bytesRead: number;
}

/** Folders that are tool state, not model content. */
const SKIPPED_DIRS = new Set([".git", ".hf_cache", ".cache", "__pycache__", "node_modules"]);
const LFS_MAGIC = "version https://git-lfs.github.com/spec/v1";

async function walk(dir: string, prefix = ""): Promise<FileFact[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const out: FileFact[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = join(dir, rel);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await walk(dir, rel)));
      continue;
    }
    if (rel === SENTINEL_FILE) continue;
    try {
      const info = await stat(full); // follows cache symlinks to their blobs
      if (info.isDirectory()) out.push(...(await walk(dir, rel)));
      else out.push({ path: rel, size: info.size, brokenLink: false });
    } catch {
      const link = await lstat(full);
      out.push({ path: rel, size: link.size, brokenLink: link.isSymbolicLink() });
    }
  }
  return out;
}

async function readJsonFile(path: string): Promise<{ fact: JsonFile; bytes: number }> {
  let text: string;
  try {
    const handle = await open(path, "r");
    try {
      text = await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return { fact: { state: "missing" }, bytes: 0 };
  }
  const bytes = Buffer.byteLength(text);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { fact: { state: "invalid", message: "is not a JSON object" }, bytes };
    }
    return { fact: { state: "ok", value: value as Record<string, unknown> }, bytes };
  } catch (error) {
    return { fact: { state: "invalid", message: `is not valid JSON (${(error as Error).message})` }, bytes };
  }
}

async function isLfsPointer(path: string, size: number): Promise<{ pointer: boolean; bytes: number }> {
  if (size === 0 || size >= 200) return { pointer: false, bytes: 0 };
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(Math.min(size, 100));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { pointer: buffer.subarray(0, bytesRead).toString("latin1").includes(LFS_MAGIC), bytes: bytesRead };
  } finally {
    await handle.close();
  }
}

/** The template of chat_template.jinja, else chat_template.json, and the bytes read. */
export async function readChatTemplateFile(dir: string): Promise<{ template: string | null; bytes: number }> {
  const jinja = await readFile(join(dir, "chat_template.jinja"), "utf8").catch(() => null);
  if (jinja !== null) return { template: jinja, bytes: Buffer.byteLength(jinja) };
  const json = await readJsonFile(join(dir, "chat_template.json"));
  const template = json.fact.state === "ok" ? json.fact.value.chat_template : null;
  return { template: typeof template === "string" ? template : null, bytes: json.bytes };
}

export async function inspectFolder(dir: string, name: string = basename(dir)): Promise<FolderFacts> {
  const files = await walk(dir);
  let bytesRead = 0;

  const [config, tokenizerConfig, tokenizer, generationConfig, chatTemplate, sentinel] = await Promise.all([
    readJsonFile(join(dir, "config.json")),
    readJsonFile(join(dir, "tokenizer_config.json")),
    readJsonFile(join(dir, "tokenizer.json")),
    readJsonFile(join(dir, "generation_config.json")),
    readChatTemplateFile(dir),
    readSentinel(dir),
  ]);
  bytesRead += config.bytes + tokenizerConfig.bytes + tokenizer.bytes + generationConfig.bytes + chatTemplate.bytes;

  // Independent small reads: run them together rather than one after another.
  const pointerChecks = await Promise.all(
    files.map(async (file) => (file.brokenLink ? { pointer: false, bytes: 0 } : isLfsPointer(join(dir, file.path), file.size))),
  );
  const pointerOf = new Map(files.map((file, i) => [file.path, pointerChecks[i]?.pointer ?? false]));
  const lfsPointers = files.filter((f) => pointerOf.get(f.path)).map((f) => f.path);
  bytesRead += pointerChecks.reduce((n, c) => n + c.bytes, 0);

  const indexFile = files.find((f) => f.path === INDEX_FILE);
  const readIndexFact = async (): Promise<IndexFact> => {
    if (!indexFile) return { state: "missing" };
    bytesRead += indexFile.size;
    try {
      return { state: "ok", value: await readIndex(join(dir, INDEX_FILE)) };
    } catch (error) {
      if (!isWhetError(error)) throw error;
      return { state: "invalid", error };
    }
  };
  const readShard = async (file: FileFact): Promise<ShardFact> => {
    const fact: ShardFact = { file: file.path, size: file.size, lfsPointer: pointerOf.get(file.path) ?? false, header: null, error: null };
    if (fact.lfsPointer || file.brokenLink || file.size === 0) return fact;
    try {
      fact.header = await readSafetensorsHeader(join(dir, file.path));
      bytesRead += fact.header.bytesRead;
    } catch (error) {
      if (!isWhetError(error)) throw error;
      fact.error = error;
    }
    return fact;
  };
  const [index, shards] = await Promise.all([
    readIndexFact(),
    Promise.all(files.filter((f) => !f.path.includes("/") && f.path.endsWith(".safetensors")).map(readShard)),
  ]);

  return {
    dir,
    name,
    files,
    config: config.fact,
    tokenizerConfig: tokenizerConfig.fact,
    tokenizer: tokenizer.fact,
    generationConfig: generationConfig.fact,
    chatTemplateFile: chatTemplate.template,
    index,
    shards,
    lfsPointers,
    sentinel,
    bytesRead,
  };
}
