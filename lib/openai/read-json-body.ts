import { WhetError } from "../errors";
import { MAX_REQUEST_BYTES } from "../chat/prompt-limit";

function tooLarge(): WhetError {
  return new WhetError(
    "request_too_large",
    `The request body is larger than ${MAX_REQUEST_BYTES / 1024 ** 2} MiB`,
    "Send less text: prompts are limited to 1,000,000 characters.",
    { limit: MAX_REQUEST_BYTES },
  );
}

/**
 * The JSON body of an API request, read up to `maxBytes` (a declared or
 * streamed body past it is refused without being read to its end); null when
 * it is not JSON, so the request schema reports it.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_REQUEST_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}
