import type { Finding, RepairMode, Severity } from "../health/finding";

/** What a finding means for someone who wants to use the model, in their words. */
const IMPACT: Record<Severity, string> = {
  "blocks-loading": "It will not load.",
  "degrades-output": "It loads, but answers may be wrong or may never stop.",
  cosmetic: "It works; this is cosmetic.",
};

const WHY: Record<RepairMode, string> = {
  "repair-weights": "Convert the weights to safetensors, the only format mlx-lm loads.",
  "repair-index": "Rebuild the index that tells the loader which file holds each tensor.",
  "repair-config": "Correct the settings in config.json that stop generation from ending or the model from loading.",
  "add-preprocessor-config": "Add the audio preprocessor settings the model needs.",
};

/** Repairs run in this order: weights first (the index is built from them), settings last. */
const ORDER: readonly RepairMode[] = ["repair-weights", "repair-index", "repair-config", "add-preprocessor-config"];

// "(ADR-018 A4)", "(mlx-vlm #624)", "(mlx #743)": references for experts, kept out of the plain text.
const REFERENCE = /\s*\((?:ADR-\d+ [A-Z]\d+|[\w.-]+ #\d+)\)/g;

export interface PlainFinding {
  id: string;
  severity: Severity;
  /** The problem without internal references. */
  text: string;
  impact: string;
  /** Internal references and evidence, for a "details" fold. */
  references: string[];
  repair: RepairMode | null;
  /** For a finding no repair fixes: what the user can do instead. */
  guidance: string | null;
}

export interface RepairPlan {
  findings: PlainFinding[];
  /** The repairs in order, each with one line of why. */
  steps: { mode: RepairMode; why: string; fixes: string[] }[];
  verdict: "nothing-to-repair" | "repairable" | "only-unrepairable";
}

export function plainFinding(finding: Finding): PlainFinding {
  const references = [...finding.message.matchAll(REFERENCE)].map((m) => m[0].trim().slice(1, -1));
  return {
    id: finding.id,
    severity: finding.severity,
    text: finding.message.replace(REFERENCE, "").trim(),
    impact: IMPACT[finding.severity],
    references,
    repair: finding.repair,
    guidance: finding.repair ? null : finding.hint,
  };
}

/** The diagnosis in plain words and the repairs that fix what can be fixed, in the order they run. */
export function planRepair(findings: readonly Finding[]): RepairPlan {
  const plain = findings.map(plainFinding);
  const steps = ORDER.filter((mode) => findings.some((f) => f.repair === mode)).map((mode) => ({
    mode,
    why: WHY[mode],
    fixes: findings.filter((f) => f.repair === mode).map((f) => f.id),
  }));
  const verdict = findings.length === 0 ? "nothing-to-repair" : steps.length ? "repairable" : "only-unrepairable";
  return { findings: plain, steps, verdict };
}
