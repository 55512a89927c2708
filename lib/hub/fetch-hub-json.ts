import type { z } from "zod";
import { getHubJson } from "../download/get-hub-json";
import { HUB_CALL_STALL_MS, unexpectedAnswer, withHubCall, type HubCall } from "./hub-call";

export interface HubJson<T> {
  value: T;
  /** The response, for its `Link` header. */
  response: Response;
}

/**
 * GET `url` on the Hub as JSON of at most `maxBytes`, parsed with `schema`:
 * a stranger's answer is bounded in size and time and checked before use.
 */
export async function fetchHubJson<S extends z.ZodType>(call: HubCall, url: string, schema: S, maxBytes: number): Promise<HubJson<z.output<S>>> {
  const { value, response } = await withHubCall(call, (client, signal) => getHubJson(client, url, { signal, stallMs: HUB_CALL_STALL_MS, now: Date.now, maxBytes }));
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw unexpectedAnswer(call, "an answer");
  return { value: parsed.data, response };
}
