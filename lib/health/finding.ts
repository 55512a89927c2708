/** How much a defect matters: the model will not load, loads but misbehaves, or only looks untidy. */
export type Severity = "blocks-loading" | "degrades-output" | "cosmetic";

/** A convert mode that fixes a finding, workspace to workspace. */
export type RepairMode =
  | "repair-index"
  | "repair-weights"
  | "repair-config"
  | "add-preprocessor-config";

export interface Evidence {
  file?: string;
  files?: string[];
  tensor?: string;
  tensors?: string[];
  field?: string;
}

export interface Finding {
  /** Stable id, e.g. `index-shard-mismatch`; the defect matrix's column. */
  id: string;
  severity: Severity;
  /** One line for a person: what is wrong, in this folder. */
  message: string;
  /** The reason string mlx-knife prints for the same problem, where it has one. */
  reason: string;
  evidence: Evidence;
  /** The convert mode that repairs it, or null when no safe repair exists. */
  repair: RepairMode | null;
  /** What the user can do (the command when a repair exists, the manual step otherwise). */
  hint: string;
}

/** Shortens a list for messages: "a, b, c and 4 more". */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
