import { describe, expect, it } from "vitest";
import { accessResponse } from "../../server/auth/access-response";
import { unauthenticated } from "../../server/auth/principal";
import { quotaExceeded } from "../../server/auth/quotas";
import { refusalFrom } from "./remote-refusal";

/** The refusal as the server's access layer sends it, read back as the CLI reads it. */
async function readBack(response: Response) {
  return refusalFrom(response.status, await response.text(), response.headers.get("retry-after"), "team");
}

describe("a remote Whetstone's refusals, for the person at the CLI", () => {
  it("says a refused token was revoked or expired and how to replace it, and when to retry past a quota", async () => {
    const refused = await readBack(accessResponse(unauthenticated(false)));
    expect(refused).toMatchObject({ code: "token_refused", message: expect.stringContaining("revoked"), hint: expect.stringContaining("whet remote add team URL --token-stdin") });

    const quota = await readBack(accessResponse(quotaExceeded("bob has made 30 chat requests in the last minute", 41_500, "Wait {seconds} seconds and try again.")));
    expect(quota).toMatchObject({ code: "quota_exceeded", hint: "Wait 42 seconds and try again.", details: { retryAfterSeconds: 42, http_status: 429 } });
  });

  it("leaves tRPC's own error bodies and other statuses to the tRPC client", async () => {
    expect(refusalFrom(403, JSON.stringify({ error: { json: { message: "This token lacks the 'write' scope" } } }), null, "team")).toBeNull();
    expect(refusalFrom(500, JSON.stringify({ error: { message: "boom", code: "internal_error" } }), null, "team")).toBeNull();
  });
});
