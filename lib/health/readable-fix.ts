import type { Finding } from "./finding";

/** How a person names the model a finding is about, to turn the hint's absolute paths into words they would type. */
export interface FixSubject {
  /** The folder the health check read (what the hint's commands name). */
  path: string;
  kind: "workspace" | "cache";
  /** A workspace's folder name or the cache's repo id. */
  name: string;
  workspaceRoot: string;
  /** The home folder, shown as `~`; null leaves paths as they are. */
  home: string | null;
}

const PLAIN = /^[\w.@%+=:,/~-]+$/;

/** Quoted for a POSIX shell only when it needs to be; a leading `~/` stays outside the quotes so it still expands. */
function shellWord(word: string): string {
  if (PLAIN.test(word)) return word;
  const home = word.startsWith("~/") ? "~/" : "";
  return `${home}'${word.slice(home.length).replace(/'/g, `'\\''`)}'`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `~` for the home folder, else the path as it is. */
function homeRelative(path: string, home: string | null): string {
  if (!home || home === "/") return path;
  if (path === home) return "~";
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

function isDirectlyIn(path: string, root: string): boolean {
  const trimmed = root.replace(/\/+$/, "");
  return path.startsWith(`${trimmed}/`) && !path.slice(trimmed.length + 1).includes("/");
}

/**
 * What `whet` takes for this model, and what the suggested `-fixed` target
 * reads as: a workspace of the workspace root by its name, a cache model by
 * its repo id (its fixed copy is a workspace named after the repo's name),
 * anything else as a path with `~`. A cached model's repairs become
 * `whet repair ORG/NAME`, the one that accepts a cached model.
 */
function wordsFor(subject: FixSubject): { source: string; target: string } {
  if (subject.kind === "cache") return { source: subject.name, target: `${subject.name.split("/").pop() ?? subject.name}-fixed` };
  if (isDirectlyIn(subject.path, subject.workspaceRoot)) {
    const name = subject.path.slice(subject.path.lastIndexOf("/") + 1);
    return { source: name, target: `${name}-fixed` };
  }
  const shown = homeRelative(subject.path, subject.home);
  return { source: shown, target: `${shown}-fixed` };
}

/** A finding's hint with the model's folder written as a person would type it, and any other home path with `~`. */
export function readableFix(hint: string, subject: FixSubject): string {
  const { source, target } = wordsFor(subject);
  // convert never reads from the HF cache: `whet repair` copies a cached model into a workspace and repairs that.
  let text = subject.kind === "cache" ? hint.split(new RegExp(`whet convert ${escapeRegExp(subject.path)} ${escapeRegExp(subject.path)}-fixed --[a-z-]+`)).join(`whet repair ${shellWord(subject.name)}`) : hint;
  text = text.split(`${subject.path}-fixed`).join(shellWord(target)).split(subject.path).join(shellWord(source));
  if (subject.home && subject.home !== "/") text = text.split(`${subject.home}/`).join("~/");
  return text;
}

/** A finding as the CLI and the pages show it: its hint readable, and `sameAs` an earlier finding with the very same fix. */
export type ReadableFinding<F> = F & { sameAs: string | null };

/**
 * The findings with their fixes as a person reads them, each fix printed
 * once: a later finding that the same command fixes points to the first.
 */
export function readableFindings<F extends Pick<Finding, "id" | "hint">>(findings: readonly F[], subject: FixSubject): ReadableFinding<F>[] {
  const first = new Map<string, string>();
  return findings.map((finding) => {
    const hint = readableFix(finding.hint, subject);
    const sameAs = first.get(hint) ?? null;
    if (sameAs === null) first.set(hint, finding.id);
    return { ...finding, hint, sameAs };
  });
}

/** The words that stand for a finding's fix: the command or step itself, or where it was already given. */
export function fixLine(finding: { hint: string; sameAs: string | null }): string {
  return finding.sameAs ? `the same as for ${finding.sameAs} above` : finding.hint;
}
