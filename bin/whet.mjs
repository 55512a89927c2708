#!/usr/bin/env node
// Entry point of `whet` (package.json "bin"): the bundled CLI when it is up to date, else the sources.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFresh } from "./run-fresh.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.env.WHET_PROJECT_ROOT ??= root;
await runFresh(root, ".build/whet.mjs", "cli/whet.ts");
