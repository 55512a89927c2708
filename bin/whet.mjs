#!/usr/bin/env node
// Entry point of `whet` (package.json "bin"): runs the TypeScript CLI through tsx.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.env.WHET_PROJECT_ROOT ??= root;
register();
await import(join(root, "cli", "whet.ts"));
