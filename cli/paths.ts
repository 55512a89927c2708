import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { WhetError } from "../lib/errors";
import { isInside } from "../lib/fs/path-inside";

/** What the user typed as a path: absolute, `~/…`, `./…` or `.`. */
function isTypedPath(arg: string): boolean {
  return arg === "." || arg.startsWith("/") || arg.startsWith("./") || arg.startsWith("~/");
}

/**
 * The folder a TARGET argument names. A path the user typed (absolute, `./x`,
 * `~/x`) is theirs; anything else is a name under the workspace root, and a
 * name whose `..` would leave the root is refused rather than followed out.
 */
export function workspacePath(arg: string, workspaceRoot: string): string {
  if (isTypedPath(arg)) return arg.startsWith("~/") ? join(homedir(), arg.slice(2)) : resolve(arg);
  const root = resolve(workspaceRoot);
  const target = resolve(root, arg);
  if (target === root || !isInside(target, root)) {
    throw new WhetError(
      "target_outside_workspace_root",
      `'${arg}' would leave the workspace root ${root}`,
      `A name is a folder inside the workspace root; to put a workspace elsewhere, type a path: ./${arg.split("/").pop() || "ws"} or an absolute path.`,
    );
  }
  return target;
}
