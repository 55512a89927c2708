import { join } from "node:path";
import { z } from "zod";
import { WhetError } from "../errors";

/** A workspace's folder name as the app creates them: no slash, no leading dot, so never `.`, `..` or a path. */
export const WORKSPACE_NAME = /^[A-Za-z0-9][\w.-]{0,127}$/;

export const workspaceNameSchema = z.string().regex(WORKSPACE_NAME, "Use letters, digits, '.', '_' and '-' (no slashes)");

/**
 * The folder a new workspace called `name` gets: inside the workspace root,
 * always. For names from the browser (and any caller that takes a name, not a
 * path): a slash, `..` or anything else that is not a plain name is refused.
 */
export function workspaceTarget(name: string, workspaceRoot: string): string {
  if (!WORKSPACE_NAME.test(name)) {
    throw new WhetError(
      "invalid_workspace_name",
      `'${name.slice(0, 200)}' is not a workspace name`,
      "Use letters, digits, '.', '_' and '-', starting with a letter or digit (no slashes); the workspace is created in the workspace root.",
    );
  }
  return join(workspaceRoot, name);
}
