/** Longest path the fixture accepts in a commit. */
const MAX_PATH = 1000;

/**
 * Whether `path` may name a file in a repo: relative, posix, no empty, `.` or
 * `..` segments, nothing under `.git/`, no NUL or backslash.
 */
export function isValidRepoPath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_PATH || /[\0\\]/.test(path)) return false;
  const segments = path.split("/");
  if (segments[0] === ".git") return false;
  return segments.every((s) => s !== "" && s !== "." && s !== "..");
}

/** Whether `name` may name a branch: what git's check-ref-format refuses is refused, and so are commit hashes. */
export function isValidBranchName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || /^[0-9a-f]{40}$/.test(name) || name === "HEAD") return false;
  if (/[\0-\x20~^:?*[\\\x7f]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|\.$|^\.|\/\./.test(name)) return false;
  return true;
}
