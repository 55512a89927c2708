import { join, resolve } from "node:path";

/** A bare name (no slash) means a folder in the workspace root; anything else is a path. */
export function workspacePath(arg: string, workspaceRoot: string): string {
  return arg.includes("/") || arg === "." || arg === ".." ? resolve(arg) : join(workspaceRoot, arg);
}
