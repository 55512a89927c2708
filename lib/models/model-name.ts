import { WhetError } from "../errors";

/** One name segment: no separators or control characters, not starting with `.` or `~` (so never `.`, `..` or a home path). */
const SEGMENT = /^[^./~\\\u0000-\u001f][^/\\\u0000-\u001f]{0,127}$/;
/** A revision is only compared with refs and commit hashes, never joined into a path; still no `..`. */
const REVISION = /^[\w.+-]+(\/[\w.+-]+)*$/;

/**
 * Whether `spec` names a model rather than a path: a workspace name or a
 * fragment of one, `org/name`, each optionally `@revision`. What the browser
 * and HTTP clients may send: `/etc`, `../..`, `~/`, `x/../../y` are not names.
 */
export function isModelName(spec: string): boolean {
  const at = spec.lastIndexOf("@");
  const base = at === -1 ? spec : spec.slice(0, at);
  const revision = at === -1 ? null : spec.slice(at + 1);
  const segments = base.split("/");
  if (segments.length > 2 || !segments.every((s) => SEGMENT.test(s))) return false;
  return revision === null || (revision.length <= 256 && REVISION.test(revision) && !revision.split("/").includes(".."));
}

export function assertModelName(spec: string): void {
  if (!isModelName(spec)) {
    throw new WhetError(
      "invalid_model",
      `'${spec.slice(0, 200)}' is not a model name: paths are not accepted here`,
      "Name a model from the model list: a workspace name, or org/name[@revision] from the HF cache.",
    );
  }
}
