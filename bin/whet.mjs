#!/usr/bin/env node
// Entry point of `whet` (package.json "bin"). Runs the bundle scripts/build-cli.mjs makes
// when it is newer than every source file, else the TypeScript sources through tsx.
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.env.WHET_PROJECT_ROOT ??= root;

function newestSource() {
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

const bundle = join(root, ".build", "whet.mjs");
let fresh = false;
try {
  fresh = statSync(bundle).mtimeMs >= newestSource();
} catch {
  fresh = false;
}
if (fresh) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "cli", "whet.ts")).href);
}
