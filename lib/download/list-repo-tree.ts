import { getHubJson } from "./get-hub-json";
import type { HubClient } from "./hub-client";
import type { HubCallOptions } from "./resolve-commit";
import { withRetries } from "./retry-policy";
import { TransferError } from "./transfer-error";

/** A Hub page holds 1000 entries; these bounds allow any real repository and stop a server that never ends. */
const MAX_PAGES = 1000;
const MAX_ENTRIES = 200_000;
const MAX_PAGE_BYTES = 32 << 20;

/** The `rel="next"` URL of a Link header, or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const match = part.match(/^\s*<([^>]*)>\s*;(.*)$/);
    if (match && /(^|;)\s*rel="?next"?\s*(;|$)/.test(match[2] as string)) return match[1] as string;
  }
  return null;
}

function hostile(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

/**
 * Every entry of the recursive tree listing at `commit`, following `Link`
 * pagination only on the Hub's own origin, never to a page already seen, and
 * for a bounded number of pages. Entries are returned unvalidated (see
 * parseTreeListing).
 */
export async function listRepoTree(client: HubClient, repoId: string, commit: string, options: HubCallOptions): Promise<unknown[]> {
  const hubOrigin = new URL(client.hubUrl).origin;
  let url: string | null = `${client.hubUrl}/api/models/${repoId}/tree/${commit}?recursive=true&expand=false`;
  const seen = new Set<string>();
  const entries: unknown[] = [];
  while (url) {
    const page: URL = new URL(url);
    if (page.origin !== hubOrigin) throw hostile(`the listing's next page is on another host (${page.host})`);
    if (seen.has(page.href)) throw hostile("the listing's next page points back at a page already read");
    if (seen.size >= MAX_PAGES) throw hostile(`the listing has more than ${MAX_PAGES} pages`);
    seen.add(page.href);
    const pageUrl = page.href;
    const { value, response } = await withRetries(() => getHubJson(client, pageUrl, { ...options, maxBytes: MAX_PAGE_BYTES }), options);
    if (!Array.isArray(value)) throw hostile("a listing page is not a JSON array");
    entries.push(...value);
    if (entries.length > MAX_ENTRIES) throw hostile(`the listing has more than ${MAX_ENTRIES} entries`);
    const next = nextLink(response.headers.get("link"));
    url = next === null ? null : new URL(next, page).href;
  }
  return entries;
}
