import { access } from "node:fs/promises";

/** Whether something is at `path` (following links). */
export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
