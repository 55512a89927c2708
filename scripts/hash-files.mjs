// Prints a short sha256 over the given files' paths and contents (missing files count as empty):
// the stamp scripts/setup.sh and scripts/start.sh compare to skip work that is already done.
// Node rather than sha256sum, which macOS lacks.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const hash = createHash("sha256");
for (const file of process.argv.slice(2)) {
  hash.update(file).update("\0");
  try {
    hash.update(readFileSync(file));
  } catch {
    hash.update("missing");
  }
}
console.log(hash.digest("hex").slice(0, 16));
