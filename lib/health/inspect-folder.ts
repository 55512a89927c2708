import { basename, resolve } from "node:path";
import { isWhetError, type WhetError } from "../errors";
import { modelFolder, openModelFile, readModelText, type ModelFolder } from "../fs/model-folder";
import { readModelJson, type JsonFile } from "../fs/read-json-object";
import { isUnsafeFileError, type UnsafeEntry } from "../fs/unsafe-file";
import { walkModelFolder } from "../fs/walk-model-folder";
import { MAX_GGUF_FILES, readGgufHeader, type GgufSummary } from "../gguf/read-gguf-header";
import { readSafetensorsHeaderFrom, type SafetensorsHeader } from "../safetensors/read-header";
import { INDEX_FILE, parseIndex, type SafetensorsIndex } from "../safetensors/index-file";
import { readSentinelState, SENTINEL_FILE, type SentinelState } from "../workspace/sentinel";

export type { JsonFile };

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

/** A top-level `*.gguf`: its header's summary, or why it could not be read. */
export interface GgufFact {
  file: string;
  summary: GgufSummary | null;
  error: WhetError | null;
}

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
  /** Entries not read: links out of the folder or to folders, loops, FIFOs and devices, what exceeds the walk's bounds. */
  unsafe: UnsafeEntry[];
  config: JsonFile;
  tokenizerConfig: JsonFile;
  tokenizer: JsonFile;
  generationConfig: JsonFile;
  /** A chat template kept beside the tokenizer (`chat_template.jinja` or `chat_template.json`), if any. */
  chatTemplateFile: string | null;
  index: IndexFact;
  /** Top-level `*.safetensors`, sorted by name. */
  shards: ShardFact[];
  /** Top-level `*.gguf` that are not LFS pointers or broken links. */
  gguf: GgufFact[];
  lfsPointers: string[];
  /** The workspace sentinel: missing, not a valid one, or what it says. */
  sentinel: SentinelState;
  bytesRead: number;
}

const LFS_MAGIC = "version https://git-lfs.github.com/spec/v1";

/** Chat templates are a few kilobytes; a larger one is not read. */
const MAX_TEMPLATE_BYTES = 1024 ** 2;

async function isLfsPointer(folder: ModelFolder, file: FileFact): Promise<{ pointer: boolean; bytes: number }> {
  if (file.brokenLink || file.size === 0 || file.size >= 200) return { pointer: false, bytes: 0 };
  const handle = await openModelFile(folder, file.path).catch((error: unknown) => {
    if (isUnsafeFileError(error)) return null;
    throw error;
  });
  if (!handle) return { pointer: false, bytes: 0 };
  try {
    const buffer = Buffer.alloc(Math.min(file.size, 100));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { pointer: buffer.subarray(0, bytesRead).toString("latin1").includes(LFS_MAGIC), bytes: bytesRead };
  } finally {
    await handle.close();
  }
}

/** The template of chat_template.jinja, else chat_template.json, and the bytes read. Unsafe files count as absent (the walk reports them). */
export async function readChatTemplateFile(folder: ModelFolder): Promise<{ template: string | null; bytes: number }> {
  const jinja = await readModelText(folder, "chat_template.jinja", { maxBytes: MAX_TEMPLATE_BYTES }).catch((error: unknown) => {
    if (isUnsafeFileError(error)) return null;
    throw error;
  });
  if (jinja !== null) return { template: jinja, bytes: Buffer.byteLength(jinja) };
  const json = await readModelJson(folder, "chat_template.json", MAX_TEMPLATE_BYTES);
  const template = json.fact.state === "ok" ? json.fact.value.chat_template : null;
  return { template: typeof template === "string" ? template : null, bytes: json.bytes };
}

async function readIndexFact(folder: ModelFolder): Promise<{ fact: IndexFact; bytes: number }> {
  let text: string | null;
  try {
    text = await readModelText(folder, INDEX_FILE);
  } catch (error) {
    if (!isUnsafeFileError(error)) throw error;
    return { fact: { state: "invalid", error }, bytes: 0 };
  }
  if (text === null) return { fact: { state: "missing" }, bytes: 0 };
  try {
    return { fact: { state: "ok", value: parseIndex(text, INDEX_FILE) }, bytes: Buffer.byteLength(text) };
  } catch (error) {
    if (!isWhetError(error)) throw error;
    return { fact: { state: "invalid", error }, bytes: Buffer.byteLength(text) };
  }
}

async function readShard(folder: ModelFolder, file: FileFact, lfsPointer: boolean): Promise<ShardFact> {
  const fact: ShardFact = { file: file.path, size: file.size, lfsPointer, header: null, error: null };
  if (lfsPointer || file.brokenLink || file.size === 0) return fact;
  try {
    const handle = await openModelFile(folder, file.path);
    if (!handle) return fact;
    try {
      fact.header = await readSafetensorsHeaderFrom(handle, resolve(folder.root, file.path));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!isWhetError(error)) throw error;
    fact.error = error;
  }
  return fact;
}

async function readGguf(folder: ModelFolder, file: FileFact): Promise<GgufFact> {
  try {
    return { file: file.path, summary: await readGgufHeader(folder, file.path), error: null };
  } catch (error) {
    if (!isWhetError(error)) throw error;
    // The unsafe-files rule reports links out and FIFOs; here they are simply not read.
    return { file: file.path, summary: null, error: isUnsafeFileError(error) ? null : error };
  }
}

/**
 * Gathers the facts of a model folder through the safe readers: only regular
 * files that stay inside it (or, for a cache snapshot, in its repo's blobs),
 * every read bounded, links to folders never followed.
 */
export async function inspectFolder(dir: string, name: string = basename(dir)): Promise<FolderFacts> {
  const folder = await modelFolder(dir);
  const walk = await walkModelFolder(folder);
  const files = walk.files.filter((f) => f.path !== SENTINEL_FILE);

  const [config, tokenizerConfig, tokenizer, generationConfig, chatTemplate, index, sentinel] = await Promise.all([
    readModelJson(folder, "config.json"),
    readModelJson(folder, "tokenizer_config.json"),
    readModelJson(folder, "tokenizer.json"),
    readModelJson(folder, "generation_config.json"),
    readChatTemplateFile(folder),
    readIndexFact(folder),
    readSentinelState(dir),
  ]);

  // Independent small reads: run them together rather than one after another.
  const pointerChecks = await Promise.all(files.map((file) => isLfsPointer(folder, file)));
  const pointerOf = new Map(files.map((file, i) => [file.path, pointerChecks[i]?.pointer ?? false]));
  const lfsPointers = files.filter((f) => pointerOf.get(f.path)).map((f) => f.path);
  const shardFiles = files.filter((f) => !f.path.includes("/") && f.path.endsWith(".safetensors"));
  const shards = await Promise.all(shardFiles.map((file) => readShard(folder, file, pointerOf.get(file.path) ?? false)));
  const ggufFiles = files.filter((f) => !f.path.includes("/") && f.path.endsWith(".gguf") && !f.brokenLink && !pointerOf.get(f.path));
  // One at a time and at most MAX_GGUF_FILES: each header read may walk up to 64 MiB.
  const gguf: Awaited<ReturnType<typeof readGguf>>[] = [];
  for (const file of [...ggufFiles].sort((a, b) => a.path.localeCompare(b.path)).slice(0, MAX_GGUF_FILES)) gguf.push(await readGguf(folder, file));

  const bytesRead =
    config.bytes + tokenizerConfig.bytes + tokenizer.bytes + generationConfig.bytes + chatTemplate.bytes + index.bytes +
    pointerChecks.reduce((n, c) => n + c.bytes, 0) +
    shards.reduce((n, s) => n + (s.header?.bytesRead ?? 0), 0) +
    gguf.reduce((n, g) => n + (g.summary?.bytesRead ?? 0), 0);

  return {
    dir,
    name,
    files,
    unsafe: walk.unsafe,
    config: config.fact,
    tokenizerConfig: tokenizerConfig.fact,
    tokenizer: tokenizer.fact,
    generationConfig: generationConfig.fact,
    chatTemplateFile: chatTemplate.template,
    index: index.fact,
    shards,
    gguf,
    lfsPointers,
    sentinel,
    bytesRead,
  };
}
