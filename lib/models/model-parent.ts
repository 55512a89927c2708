import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { ModelRoots } from "./resolve-model";

/** The model a workspace was made from, as the lists and pages link to it. */
export type ModelParent = { kind: "workspace" | "cache"; name: string };

/** huggingface_hub's folder for a model repo: `models--{org}--{name}`. */
const CACHE_REPO_FOLDER = /^models--([\w.][\w.-]*?)--([\w.-]+)$/;

/**
 * Where a converted workspace came from, read from its sentinel's
 * `source_path`: a workspace of the workspace root (by its folder name) or a
 * model of the HF cache (by its repo id). Anything else (a folder elsewhere,
 * or a value that is not an absolute path) has no parent to link to.
 */
export function modelParent(sourcePath: unknown, roots: ModelRoots): ModelParent | null {
  if (typeof sourcePath !== "string" || sourcePath.length > 4096 || !isAbsolute(sourcePath)) return null;
  const path = resolve(sourcePath);
  if (dirname(path) === resolve(roots.workspaceRoot) && !basename(path).startsWith(".")) return { kind: "workspace", name: basename(path) };
  const inCache = relative(resolve(roots.hubCache), path);
  if (inCache.startsWith("..") || isAbsolute(inCache)) return null;
  const match = CACHE_REPO_FOLDER.exec(inCache.split(sep)[0] ?? "");
  return match ? { kind: "cache", name: `${match[1]}/${match[2]}` } : null;
}
