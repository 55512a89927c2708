import { sendHubError, sendJson } from "../hub-response";
import type { RouteContext } from "../route-context";

/** The fixture's one user, whoever holds a valid token. */
export const FIXTURE_USER = "fixture-user";

/** `GET /api/whoami-v2`: the user behind the token, in the shape whose `auth` the JS client dereferences. */
export function whoami(ctx: RouteContext): void {
  if (ctx.caller.kind !== "user") {
    sendHubError(ctx.res, { status: 401, message: "Invalid credentials in Authorization header" });
    return;
  }
  sendJson(ctx.res, 200, {
    type: "user",
    id: "66f0000000000000000f1c70",
    name: FIXTURE_USER,
    fullname: "Fixture User",
    email: "fixture-user@whetstone.invalid",
    emailVerified: true,
    canPay: false,
    isPro: false,
    periodEnd: null,
    billingMode: "postpaid",
    avatarUrl: "",
    orgs: [],
    auth: {
      type: "access_token",
      accessToken: { displayName: "fixture", role: "read", createdAt: "2025-01-01T00:00:00.000Z" },
    },
  });
}
