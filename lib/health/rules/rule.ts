import type { Finding } from "../finding";
import type { FolderFacts } from "../inspect-folder";

/** Most rules only look at the facts; the chat-template rule waits on the template sandbox. */
export type Rule = (facts: FolderFacts) => Finding[] | Promise<Finding[]>;

/** The repair command for a folder, with a suggested new target next to it. */
export function repairCommand(facts: FolderFacts, mode: string): string {
  return `whet convert ${facts.dir} ${facts.dir}-fixed --${mode}`;
}
