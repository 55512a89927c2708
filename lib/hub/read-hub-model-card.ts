import { fetchHubBytes } from "./fetch-hub-bytes";
import type { HubCall } from "./hub-call";
import { hubFileUrl } from "./hub-file-url";

/** Cards are prose: the longest real ones are a few hundred KB. */
export const MAX_CARD_BYTES = 512 * 1024;

/** The README's text without its YAML metadata block (the Hub reads that as `cardData`; the page shows the prose). */
export function cardBody(text: string): string {
  const match = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  return (match ? text.slice(match[0].length) : text).trim();
}

/** README.md at the commit, as markdown text for the page to render (safely, see the page's ModelCard). */
export async function readHubModelCard(call: HubCall, repoId: string, commit: string): Promise<string> {
  const { bytes } = await fetchHubBytes(call, hubFileUrl(call.access.hubUrl, repoId, commit, "README.md"), { maxBytes: MAX_CARD_BYTES });
  return cardBody(new TextDecoder("utf-8").decode(bytes));
}
