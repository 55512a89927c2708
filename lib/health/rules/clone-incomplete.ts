import type { Rule } from "./rule";

/** What a finished clone's sentinel says: Whetstone writes "complete", mlx-knife "success"; no field is an older clone. */
const FINISHED = new Set(["complete", "success"]);

/**
 * A workspace whose sentinel says the clone has not finished (it was killed,
 * paused or is still running) holds only part of the repository, however
 * complete the files present may look.
 */
export const cloneIncomplete: Rule = (facts) => {
  const status = facts.sentinel?.clone_status;
  if (status === undefined || (typeof status === "string" && FINISHED.has(status))) return [];
  const source = typeof facts.sentinel?.source_repo === "string" ? facts.sentinel.source_repo : "ORG/NAME";
  return [
    {
      id: "clone-incomplete",
      severity: "blocks-loading",
      message: `The clone into this workspace did not finish (clone_status '${String(status).slice(0, 40)}').`,
      reason: "incomplete clone: re-run the clone",
      evidence: { file: ".mlxk_workspace.json", field: "clone_status" },
      repair: null,
      hint: `Run the clone again (whet clone ${source} ${facts.dir}): it resumes an interrupted clone, or remove the folder.`,
    },
  ];
};
