import { CONVERT_WRITING } from "../../convert/prepare-target";
import type { Rule } from "./rule";

/** What a finished clone's sentinel says: Whetstone writes "complete", mlx-knife "success"; no field is an older clone. */
const FINISHED = new Set(["complete", "success"]);

/**
 * A workspace whose sentinel says it is still being written (a clone or a
 * convert that was killed, paused or is running) holds only part of its
 * files, however complete those present may look. The sentinel's values are
 * a stranger's text, so the message names the field, not what it holds.
 */
export const workspaceIncomplete: Rule = (facts) => {
  if (facts.sentinel.state !== "ok") return [];
  const { sentinel } = facts.sentinel;
  const clone = sentinel.clone_status;
  if (clone !== undefined && !(typeof clone === "string" && FINISHED.has(clone))) {
    const source = typeof sentinel.source_repo === "string" && /^[\w.-]+\/[\w.-]+$/.test(sentinel.source_repo) ? sentinel.source_repo : "ORG/NAME";
    return [
      {
        id: "clone-incomplete",
        severity: "blocks-loading",
        message: "The clone into this workspace did not finish: some files are missing.",
        reason: "incomplete clone: re-run the clone",
        evidence: { file: ".mlxk_workspace.json", field: "clone_status" },
        repair: null,
        hint: `Run the clone again (whet clone ${source} ${facts.dir}): it resumes an interrupted clone, or remove the folder.`,
      },
    ];
  }
  if (sentinel.convert_status === CONVERT_WRITING) {
    return [
      {
        id: "convert-incomplete",
        severity: "blocks-loading",
        message: "The conversion that writes this workspace did not finish: some files are missing.",
        reason: "incomplete conversion: run the convert again",
        evidence: { file: ".mlxk_workspace.json", field: "convert_status" },
        repair: null,
        hint: "Run the same convert again (it clears what was left and starts over), or remove the folder.",
      },
    ];
  }
  return [];
};
