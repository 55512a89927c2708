import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { teamAccess } from "../testing/team-access";
import { pageRedirect } from "./page-gate";

describe("page gate", () => {
  const team = teamAccess();
  const at = (path: string) => new URL(`http://whetstone.local:3100${path}`);

  it("sends a browser without a session to the sign-in page in team mode, and back afterwards", () => {
    expect(pageRedirect(at("/chat?model=x"), null, team)).toBe("/sign-in?next=%2Fchat%3Fmodel%3Dx");
    expect(pageRedirect(at("/admin/users"), "other=1", team)).toBe("/sign-in?next=%2Fadmin%2Fusers");
    expect(pageRedirect(at("/admin/users"), "whet_session=abc", team)).toBeNull();
    // Under TLS only the __Host- cookie counts.
    expect(pageRedirect(at("/"), "whet_session=abc", teamAccess({ tls: { cert: "c", key: "k", selfSigned: true } }))).toBe("/sign-in?next=%2F");
    for (const open of ["/sign-in", "/setup", "/api/trpc/models.list", "/v1/models", "/_next/static/x.js"]) expect(pageRedirect(at(open), null, team)).toBeNull();
  });

  it("lets everything through in local mode", () => {
    expect(pageRedirect(at("/admin/users"), null, loadConfig({ HOME: "/tmp" }).access)).toBeNull();
  });
});
