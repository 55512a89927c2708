// Entry point of a weight worker thread: the bundle scripts/build-cli.mjs makes when it is up
// to date, else the TypeScript worker through tsx, so the same code runs under the CLI, the
// Next.js server and the tests.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFresh } from "../../bin/run-fresh.mjs";

await runFresh(join(dirname(fileURLToPath(import.meta.url)), "..", ".."), ".build/weight-worker.mjs", "lib/convert/weight-worker.ts");
