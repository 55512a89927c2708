import { getContent, type ContentAnswer } from "./content-connection";
import { hubHeaders, isRedirect, redirectTarget, type HubClient } from "./hub-client";
import { classifyNetworkError } from "./transfer-error";

const REDIRECT_BODY_BYTES = 64 << 10;

/** An answer to a content GET, after its redirects. */
export interface BodyAnswer extends ContentAnswer {
  ok: boolean;
}

/**
 * A GET of file content with hubFetch's rules (the token only to the Hub's
 * origin, at most five redirects, http(s) only), over getContent rather than
 * fetch: its body pieces are views into each connection's one read buffer,
 * where fetch's web streams copy and wrap every chunk and node:http allocates
 * one per socket read. On one machine with the server, that CPU per byte
 * decides the speed.
 */
export async function hubGet(client: HubClient, url: string, init: { headers?: Record<string, string>; signal: AbortSignal }): Promise<BodyAnswer> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    let answer: ContentAnswer;
    try {
      answer = await getContent(current, hubHeaders(client, current, init.headers), init.signal);
    } catch (error) {
      if (init.signal.aborted) throw init.signal.reason;
      throw classifyNetworkError(error, false);
    }
    const location = answer.headers.get("location");
    if (!isRedirect(answer.status, location)) return { ...answer, ok: answer.status >= 200 && answer.status < 300 };
    // A short redirect body is read to its end, so its connection is kept for the next request to that host.
    if (Number(answer.headers.get("content-length") ?? Number.NaN) <= REDIRECT_BODY_BYTES) await answer.read(() => undefined).catch(() => undefined);
    answer.close();
    current = redirectTarget(location, current, hop);
  }
}
