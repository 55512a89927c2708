import { hubFetch, statusError, type HubClient } from "./hub-client";
import { stallGuard } from "./stall-guard";
import { classifyNetworkError, TransferError } from "./transfer-error";

export interface JsonRequest {
  signal: AbortSignal;
  stallMs: number;
  now: () => number;
  /** A larger body is refused: an endless or absurd answer cannot fill memory. */
  maxBytes: number;
}

/**
 * GET one JSON document from the Hub (one attempt): 2xx or a TransferError,
 * the body bounded in size and in time between bytes. Returns the parsed value
 * and the response (for its Link and X-Repo-Commit headers).
 */
export async function getHubJson(client: HubClient, url: string, request: JsonRequest): Promise<{ value: unknown; response: Response }> {
  const guard = stallGuard(request.signal, request.stallMs);
  try {
    const response = await hubFetch(client, url, { headers: { Accept: "application/json" }, signal: guard.signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw statusError(response, request.now());
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    const reader = response.body?.getReader();
    try {
      for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
        const chunk = next.value;
        guard.touch(chunk.byteLength);
        length += chunk.byteLength;
        if (length > request.maxBytes) {
          throw new TransferError("overflow", `the answer is larger than ${request.maxBytes} bytes`, { retryable: false });
        }
        chunks.push(chunk);
      }
    } catch (error) {
      await reader?.cancel().catch(() => undefined);
      if (guard.signal.aborted) throw guard.signal.reason;
      throw classifyNetworkError(error, true);
    }
    try {
      return { value: JSON.parse(Buffer.concat(chunks).toString("utf8")), response };
    } catch {
      throw new TransferError("protocol", "the answer is not valid JSON", { retryable: false });
    }
  } finally {
    guard.dispose();
  }
}
