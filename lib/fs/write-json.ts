import { writeFile } from "node:fs/promises";

/** JSON with 2-space indent and a trailing newline: how Whetstone writes model JSON files it creates or repairs. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
