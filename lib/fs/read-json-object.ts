import { MAX_TEXT_BYTES, modelFolder, readModelText, type ModelFolder } from "./model-folder";
import { parseJsonText } from "./parse-json-text";
import { isUnsafeFileError, unsafeReasonText } from "./unsafe-file";

/** A JSON object file of a model folder, as the health rules see it. Messages never quote the file. */
export type JsonFile =
  | { state: "missing" }
  | { state: "invalid"; message: string }
  | { state: "ok"; value: Record<string, unknown> };

/** Reads `rel` of a model folder as a JSON object, through the safe reader (regular files inside, bounded). */
export async function readModelJson(folder: ModelFolder, rel: string, maxBytes = MAX_TEXT_BYTES): Promise<{ fact: JsonFile; bytes: number }> {
  let text: string | null;
  try {
    text = await readModelText(folder, rel, { maxBytes });
  } catch (error) {
    if (!isUnsafeFileError(error)) throw error;
    // Rules put the file's name before the message ("config.json is a link …").
    return { fact: { state: "invalid", message: unsafeReasonText(error.details.reason) }, bytes: 0 };
  }
  if (text === null) return { fact: { state: "missing" }, bytes: 0 };
  const bytes = Buffer.byteLength(text);
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { fact: { state: "invalid", message: parsed.problem }, bytes };
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { fact: { state: "invalid", message: "is not a JSON object" }, bytes };
  return { fact: { state: "ok", value: value as Record<string, unknown> }, bytes };
}

/** A JSON object file of model folder `dir`, or null when it is missing, unsafe, unparsable or not an object. */
export async function readJsonObject(dir: string | ModelFolder, rel: string): Promise<Record<string, unknown> | null> {
  const folder = typeof dir === "string" ? await modelFolder(dir) : dir;
  const { fact } = await readModelJson(folder, rel);
  return fact.state === "ok" ? fact.value : null;
}
