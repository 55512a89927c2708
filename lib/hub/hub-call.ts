import { describeFailure } from "../download/describe-failure";
import { hubClient, type HubClient } from "../download/hub-client";
import { WhetError } from "../errors";
import type { HubAccess } from "./hub-access";

/** One read-only request to the Hub: where, what it is for (the sentence a person reads), and its time bound. */
export interface HubCall {
  access: HubAccess;
  /** `org/name` the request is about. */
  spec: string;
  /** e.g. "reading the model card of acme/tiny". */
  doing: string;
  /** The whole request, body included, ends by then: 20 s unless the caller says. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** Fewer than 1 KiB in this window and the request is a stall, however long the timeout. */
export const HUB_CALL_STALL_MS = 10_000;

/**
 * Runs `request` with the call's client and a signal bounded in time; any
 * failure comes back as a WhetError naming what was being done and the fix.
 */
export async function withHubCall<T>(call: HubCall, request: (client: HubClient, signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  try {
    return await request(hubClient(call.access, call.access.fetch ?? fetch), signal);
  } catch (error) {
    if (timeout.aborted && !call.signal?.aborted) {
      throw new WhetError(
        "hub_timeout",
        `The Hub at ${call.access.hubUrl} did not answer within ${Math.round(timeoutMs / 1000)} s while ${call.doing}.`,
        "Try again; if it keeps happening, check the network or HF_ENDPOINT.",
      );
    }
    throw describeFailure(error, { doing: call.doing, spec: call.spec, hubUrl: call.access.hubUrl });
  }
}

/** A Hub answer that does not have the shape the Hub documents: said once, the same way everywhere. */
export function unexpectedAnswer(call: HubCall, what: string): WhetError {
  return new WhetError(
    "hub_unexpected_answer",
    `The Hub at ${call.access.hubUrl} sent ${what} that Whetstone cannot read while ${call.doing}.`,
    "The server is not a Hugging Face Hub or is misbehaving; check HF_ENDPOINT.",
  );
}
