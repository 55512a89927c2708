import type { Finding } from "../finding";
import { listSome } from "../finding";
import type { Rule } from "./rule";
import { repairCommand } from "./rule";

const WEIGHT_FILE = /\.(safetensors|bin|gguf|npz)$/;
const PARTIAL_MARKER = /\.(incomplete|partial|part|tmp|download|downloading)$/;

/** Weights must be there, complete, real files, and in a format MLX loads. */
export const weightPresence: Rule = (facts) => {
  const findings: Finding[] = [];
  const partial = facts.files.filter((f) => PARTIAL_MARKER.test(f.path)).map((f) => f.path);
  if (partial.length > 0) {
    findings.push({
      id: "partial-download",
      severity: "blocks-loading",
      message: `An interrupted download left partial files: ${listSome(partial)}.`,
      reason: "Partial download marker detected",
      evidence: { files: partial },
      repair: null,
      hint: "Download the model again (whet clone or whet pull); the partial files are not usable.",
    });
  }
  if (facts.lfsPointers.length > 0) {
    findings.push({
      id: "lfs-pointer",
      severity: "blocks-loading",
      message: `Git-LFS pointer text instead of file content: ${listSome(facts.lfsPointers)}.`,
      reason: `LFS pointers instead of files: ${facts.lfsPointers.join(", ")}`,
      evidence: { files: facts.lfsPointers },
      repair: null,
      hint: "The repository was cloned without git-lfs. Download it with whet clone (or run git lfs pull).",
    });
  }
  const broken = facts.files.filter((f) => f.brokenLink).map((f) => f.path);
  if (broken.length > 0) {
    findings.push({
      id: "broken-link",
      severity: "blocks-loading",
      message: `Symlinks point to files that do not exist: ${listSome(broken)}.`,
      reason: `Blob missing (broken symlink): ${broken.join(", ")}`,
      evidence: { files: broken },
      repair: null,
      hint: "The cache lost blobs: download the model again.",
    });
  }

  const weights = facts.files.filter((f) => WEIGHT_FILE.test(f.path) && !facts.lfsPointers.includes(f.path));
  const npz = weights.filter((f) => f.path.endsWith(".npz")).map((f) => f.path);
  const safetensors = weights.filter((f) => f.path.endsWith(".safetensors"));
  if (npz.length > 0 && safetensors.length === 0) {
    findings.push({
      id: "weights-npz",
      severity: "blocks-loading",
      message: `Weights are stored as ${listSome(npz)} (legacy MLX format); mlx-lm loads only safetensors (ADR-018 A3).`,
      reason: "NPZ weights format detected (legacy)",
      evidence: { files: npz },
      repair: "repair-weights",
      hint: repairCommand(facts, "repair-weights"),
    });
  } else if (weights.length === 0 && facts.index.state === "missing" && facts.lfsPointers.length === 0 && partial.length === 0) {
    findings.push({
      id: "no-weights",
      severity: "blocks-loading",
      message: "The folder holds no weight files (*.safetensors, *.bin, *.gguf, *.npz).",
      reason: "No model weights found",
      evidence: {},
      repair: null,
      hint: "Download the model again; its weights are missing.",
    });
  }
  return findings;
};
