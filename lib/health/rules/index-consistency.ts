import type { Finding } from "../finding";
import { listSome } from "../finding";
import type { FolderFacts } from "../inspect-folder";
import type { Rule } from "./rule";
import { repairCommand } from "./rule";

const SHARD_PATTERN = /^model-(\d{5})-of-(\d{5})\.safetensors$/;

/** Where each tensor lives, from the headers of the shards that could be read. */
function tensorLocations(facts: FolderFacts): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const shard of facts.shards) {
    for (const tensor of shard.header?.tensors ?? []) {
      const list = where.get(tensor.name) ?? [];
      list.push(shard.file);
      where.set(tensor.name, list);
    }
  }
  return where;
}

/** Shard names `model-i-of-n` whose own numbering is incomplete or inconsistent. */
function patternGaps(files: readonly string[]): { totals: Set<number>; missing: string[] } {
  const totals = new Set<number>();
  const present = new Set<number>();
  for (const file of files) {
    const match = SHARD_PATTERN.exec(file);
    if (!match) continue;
    totals.add(Number(match[2]));
    present.add(Number(match[1]));
  }
  const missing: string[] = [];
  if (totals.size === 1) {
    const total = [...totals][0] as number;
    const pad = (n: number) => String(n).padStart(5, "0");
    for (let i = 1; i <= total; i++) {
      if (!present.has(i)) missing.push(`model-${pad(i)}-of-${pad(total)}.safetensors`);
    }
  }
  return { totals, missing };
}

function duplicateFindings(facts: FolderFacts, where: Map<string, string[]>): Finding[] {
  const duplicated = [...where.entries()].filter(([, files]) => files.length > 1);
  if (duplicated.length === 0) return [];
  const [firstKey, firstFiles] = duplicated[0] as [string, string[]];
  return [
    {
      id: "duplicate-tensor",
      severity: "blocks-loading",
      message: `${duplicated.length} tensor(s) are stored in more than one shard, e.g. '${firstKey}' in ${firstFiles.join(" and ")}.`,
      reason: `Duplicate tensor key '${firstKey}' found in multiple shards: ${firstFiles.join(" and ")}`,
      evidence: { tensors: duplicated.map(([k]) => k), files: [...new Set(duplicated.flatMap(([, f]) => f))] },
      repair: null,
      hint: "Loaders keep whichever copy they read last. Remove the stray shard (often a leftover single-file checkpoint) or re-download the model.",
    },
  ];
}

function withIndex(facts: FolderFacts, weightMap: Record<string, string>, where: Map<string, string[]>): Finding[] {
  const findings: Finding[] = [];
  const present = new Set(facts.shards.map((s) => s.file));
  const unreadable = new Set(facts.shards.filter((s) => !s.header).map((s) => s.file));
  const entries = Object.entries(weightMap);
  if (entries.length === 0) {
    return [
      {
        id: "index-invalid",
        severity: "blocks-loading",
        message: "model.safetensors.index.json has an empty weight_map.",
        reason: "Empty or invalid weight_map in index",
        evidence: { file: "model.safetensors.index.json" },
        repair: "repair-index",
        hint: repairCommand(facts, "repair-index"),
      },
    ];
  }
  const referenced = [...new Set(entries.map(([, file]) => file))].sort();
  const absentFiles = referenced.filter((file) => !present.has(file));

  if (absentFiles.length > 0) {
    const keysOfAbsent = entries.filter(([, file]) => !present.has(file)).map(([key]) => key);
    const orphaned = keysOfAbsent.filter((key) => !where.has(key));
    const ownLayout = patternGaps([...present]);
    const indexLayout = patternGaps(absentFiles);
    const staleLayout =
      present.size > 0 &&
      ownLayout.missing.length === 0 &&
      [...indexLayout.totals].some((total) => !ownLayout.totals.has(total));
    if (orphaned.length === 0 || staleLayout) {
      const topLevel = facts.shards.length;
      findings.push({
        id: "index-shard-mismatch",
        severity: "blocks-loading",
        message:
          `The index names ${absentFiles.length} shard file(s) that are not here (${listSome(absentFiles)}); ` +
          (orphaned.length === 0
            ? "every tensor it lists is in the shards that are."
            : `the shards here follow another layout, and ${orphaned.length} tensor(s) it lists are in none of them (a stale index).`),
        reason: `Index/shard mismatch (mlx-vlm #624). Index references ${referenced.length} shards but found ${topLevel} different files. Fix: ${repairCommand(facts, "repair-index")}`,
        evidence: { file: "model.safetensors.index.json", files: absentFiles, ...(orphaned.length ? { tensors: orphaned } : {}) },
        repair: "repair-index",
        hint: repairCommand(facts, "repair-index"),
      });
    } else {
      findings.push({
        id: "shards-missing",
        severity: "blocks-loading",
        message: `${orphaned.length} tensor(s) live in shard files that are missing: ${listSome(absentFiles)}.`,
        reason: `Missing weight shards: ${absentFiles.join(", ")}`,
        evidence: { files: absentFiles, tensors: orphaned },
        repair: null,
        hint: "The download is incomplete: download the model again (whet clone or whet pull).",
      });
    }
  }

  const unknown: string[] = [];
  const misplaced: string[] = [];
  for (const [key, file] of entries) {
    if (!present.has(file) || unreadable.has(file)) continue;
    const holders = where.get(key);
    if (!holders) unknown.push(key);
    else if (!holders.includes(file)) misplaced.push(key);
  }
  if (unknown.length > 0) {
    findings.push({
      id: "index-unknown-keys",
      severity: "blocks-loading",
      message: `The index lists ${unknown.length} tensor(s) that no shard holds, e.g. '${unknown[0]}'.`,
      reason: `Index lists tensors missing from shards: ${listSome(unknown)}`,
      evidence: { file: "model.safetensors.index.json", tensors: unknown },
      repair: "repair-index",
      hint: repairCommand(facts, "repair-index"),
    });
  }
  if (misplaced.length > 0) {
    findings.push({
      id: "index-wrong-shard",
      severity: "blocks-loading",
      message: `The index points ${misplaced.length} tensor(s) at the wrong shard, e.g. '${misplaced[0]}'.`,
      reason: `Index maps tensors to the wrong shard: ${listSome(misplaced)}`,
      evidence: { file: "model.safetensors.index.json", tensors: misplaced },
      repair: "repair-index",
      hint: repairCommand(facts, "repair-index"),
    });
  }
  const unindexed = [...where.keys()].filter((key) => !(key in weightMap)).sort();
  if (unindexed.length > 0) {
    findings.push({
      id: "index-missing-keys",
      severity: "blocks-loading",
      message: `${unindexed.length} tensor(s) in the shards are missing from the index, e.g. '${unindexed[0]}'.`,
      reason: `Index is missing tensors present in shards: ${listSome(unindexed)}`,
      evidence: { file: "model.safetensors.index.json", tensors: unindexed },
      repair: "repair-index",
      hint: repairCommand(facts, "repair-index"),
    });
  }
  return findings;
}

function withoutIndex(facts: FolderFacts): Finding[] {
  const findings: Finding[] = [];
  const files = facts.shards.map((s) => s.file);
  const { totals, missing } = patternGaps(files);
  if (totals.size > 1) {
    findings.push({
      id: "shards-missing",
      severity: "blocks-loading",
      message: `The shard names disagree on the shard count (${[...totals].join(" vs ")}): files from two layouts are mixed.`,
      reason: "Inconsistent shard totals detected",
      evidence: { files },
      repair: null,
      hint: "Remove the shards of the other layout or download the model again.",
    });
  } else if (missing.length > 0) {
    findings.push({
      id: "shards-missing",
      severity: "blocks-loading",
      message: `Shard files are missing: ${listSome(missing)}.`,
      reason: `Missing shards by pattern: ${files.filter((f) => SHARD_PATTERN.test(f)).length}/${[...totals][0]} present`,
      evidence: { files: missing },
      repair: null,
      hint: "The download is incomplete: download the model again (whet clone or whet pull).",
    });
  } else if (facts.shards.length > 1) {
    findings.push({
      id: "index-missing",
      severity: "blocks-loading",
      message: `${facts.shards.length} safetensors shards but no model.safetensors.index.json to say which tensor is where.`,
      reason: "Safetensors index missing for sharded model",
      evidence: { files },
      repair: "repair-index",
      hint: repairCommand(facts, "repair-index"),
    });
  }
  return findings;
}

/** The index and the shards must agree: every file it names exists, every tensor is listed once. */
export const indexConsistency: Rule = (facts) => {
  const where = tensorLocations(facts);
  const findings = duplicateFindings(facts, where);
  if (facts.index.state === "invalid") {
    findings.push({
      id: "index-invalid",
      severity: "blocks-loading",
      message: facts.index.error.message,
      reason: "Invalid index file",
      evidence: { file: "model.safetensors.index.json" },
      repair: "repair-index",
      hint: repairCommand(facts, "repair-index"),
    });
  } else if (facts.index.state === "ok") {
    findings.push(...withIndex(facts, facts.index.value.weight_map, where));
  } else {
    findings.push(...withoutIndex(facts));
  }
  return findings;
};
