import { describeUnsafe } from "../../fs/unsafe-file";
import { listSome } from "../finding";
import type { Rule } from "./rule";

/**
 * Entries the readers refused: links out of the folder or to folders, loops,
 * FIFOs, devices, trees past the walk's bounds. mlx-lm would follow or block
 * on them, so the model is not offered for loading.
 */
export const unsafeFiles: Rule = (facts) => {
  if (facts.unsafe.length === 0) return [];
  return [
    {
      id: "unsafe-file",
      severity: "blocks-loading",
      message: `Not read, not safe: ${listSome(facts.unsafe.map(describeUnsafe))}.`,
      reason: `Unsafe entries (links out of the folder, loops, FIFOs or devices): ${facts.unsafe.map((u) => u.path).join(", ")}`,
      evidence: { files: facts.unsafe.map((u) => u.path) },
      repair: null,
      hint: "Whetstone reads only regular files inside a model folder: replace these with the real files (download the model again) or remove them.",
    },
  ];
};
