// Entry point of a weight worker thread: loads the TypeScript worker through
// tsx, the way bin/whet.mjs loads the CLI, so the same code runs under the
// CLI, the Next.js server and the tests.
import { register } from "tsx/esm/api";

register();
await import("./weight-worker.ts");
