import { createHash } from "node:crypto";
import { sendHubError, sendJson } from "../hub-response";
import type { RouteContext } from "../route-context";

/** The fixture's user, whoever holds a valid token, unless the fixture is given another name. */
export const FIXTURE_USER = "fixture-user";

const objectId = (name: string) => createHash("sha1").update(`user:${name}`).digest("hex").slice(0, 24);

/**
 * `GET /api/whoami-v2`: the user behind the token, in the shape whose `auth`
 * the JS client dereferences; the token's role is "write" for the fixture's
 * write tokens, "read" otherwise, and `orgs` are where the user may also write.
 */
export function whoami(ctx: RouteContext): void {
  if (ctx.caller.kind !== "user") {
    sendHubError(ctx.res, { status: 401, message: "Invalid credentials in Authorization header" });
    return;
  }
  const { name, orgs } = ctx.user;
  sendJson(ctx.res, 200, {
    type: "user",
    id: objectId(name),
    name,
    fullname: name === FIXTURE_USER ? "Fixture User" : name,
    email: `${name}@whetstone.invalid`,
    emailVerified: true,
    canPay: false,
    isPro: false,
    periodEnd: null,
    billingMode: "postpaid",
    avatarUrl: "",
    orgs: orgs.map((org) => ({
      type: "org",
      id: objectId(org),
      name: org,
      fullname: org,
      email: null,
      canPay: false,
      avatarUrl: "",
      roleInOrg: "write",
      isEnterprise: false,
    })),
    auth: {
      type: "access_token",
      accessToken: { displayName: "fixture", role: ctx.caller.canWrite ? "write" : "read", createdAt: "2025-01-01T00:00:00.000Z" },
    },
  });
}
