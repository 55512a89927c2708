import type { Finding } from "../finding";
import type { FolderFacts } from "../inspect-folder";

export type Rule = (facts: FolderFacts) => Finding[];

/** The repair command for a folder, with a suggested new target next to it. */
export function repairCommand(facts: FolderFacts, mode: string): string {
  return `whet convert ${facts.dir} ${facts.dir}-fixed --${mode}`;
}
