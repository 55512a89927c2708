import { isAbsolute, normalize } from "node:path";
import { resolveModel, type ModelRoots, type ResolvedModel } from "../models/resolve-model";

/**
 * The model the repair wizard is asked to fix: a name (workspace or cache
 * model), or, as the wizard offers, a folder on this machine given as a plain
 * absolute path. `..` segments, `~` and relative paths stay refused, as
 * everywhere else in the app; the folder is only read.
 */
export function wizardSource(spec: string, roots: ModelRoots): Promise<ResolvedModel> {
  const plainAbsolute = isAbsolute(spec) && normalize(spec) === spec && !spec.includes("\0") && !spec.split("/").includes("..");
  return resolveModel(spec, roots, plainAbsolute ? { allowPaths: true } : {});
}
