// Runs a bundle that scripts/build-cli.mjs made when it is newer than every TypeScript
// source in cli/ and lib/, else the TypeScript entry through tsx. Used by bin/whet.mjs and
// by the quantize worker threads, so both start without compiling on every run.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function newestSource(root) {
  let newest = 0;
  for (const dir of ["cli", "lib"]) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}

export async function runFresh(root, bundle, source) {
  let fresh = false;
  try {
    fresh = statSync(join(root, bundle)).mtimeMs >= newestSource(root);
  } catch {
    fresh = false;
  }
  if (fresh) {
    await import(pathToFileURL(join(root, bundle)).href);
    return;
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, source)).href);
}
