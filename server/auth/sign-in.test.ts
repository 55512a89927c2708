import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { teamAccess, teamRequest, useTeam } from "../testing/team-access";
import { useTestServices } from "../testing/test-services";
import { POST as login } from "../../app/api/auth/login/route";
import { POST as logout } from "../../app/api/auth/logout/route";
import { POST as setup } from "../../app/api/auth/setup/route";
import { GET as status } from "../../app/api/auth/status/route";
import { GET as trpc } from "../../app/api/trpc/[trpc]/route";

const tempDir = useTempDirs();
const team = useTeam(tempDir);
const testServices = useTestServices(tempDir);
const MINUTE = 60_000;

function signIn(name: string, password: string, address = "192.168.1.7") {
  return login(teamRequest("/api/auth/login", { method: "POST", address, headers: { "content-type": "application/json", origin: "http://whetstone.local:3100" }, body: JSON.stringify({ name, password }) }));
}

const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
const me = (cookie: string) => trpc(teamRequest("/api/trpc/account.me", { headers: { cookie } }));
const errorOf = async (response: Response) => ((await response.json()) as { error: { message: string; hint: string } }).error;

describe("signing in", () => {
  it("gives a session cookie (HttpOnly, SameSite=Strict) that ends after the idle time, and on sign-out", async () => {
    const { clock } = await team();
    const response = await signIn("bob", "bob password!");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "bob", role: "member" });
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^whet_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=2592000$/);
    const cookie = cookieOf(response);

    const who = await me(cookie);
    expect(who.status).toBe(200);
    expect(JSON.stringify(await who.json())).toContain('"name":"bob"');

    // Used within the idle time (30 minutes here) it lasts; left alone longer, it ends.
    clock.advance(29 * MINUTE);
    expect((await me(cookie)).status).toBe(200);
    clock.advance(31 * MINUTE);
    expect((await me(cookie)).status).toBe(401);

    const again = cookieOf(await signIn("bob", "bob password!"));
    const out = await logout(teamRequest("/api/auth/logout", { method: "POST", headers: { cookie: again, origin: "http://whetstone.local:3100" } }));
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await me(again)).status).toBe(401);
  });

  it("marks the cookie Secure and __Host- under TLS", async () => {
    await team({ tls: { cert: "/c.pem", key: "/k.pem", selfSigned: false } });
    const response = await signIn("ada", "ada password!");
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-whet_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
  });

  it("throttles failures per address and per account (2 a minute, 12 an hour), says when to retry, and audits every attempt", async () => {
    const { clock, services } = await team();
    expect((await signIn("bob", "wrong one", "192.168.1.50")).status).toBe(401);
    const second = await signIn("bob", "wrong two", "192.168.1.50");
    expect(second.status).toBe(401);
    expect(await errorOf(second)).toMatchObject({ message: "That name and password do not match an account" });

    // Now even the right password waits, from this address and, for this account, from any other.
    const refused = await signIn("bob", "bob password!", "192.168.1.50");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await errorOf(refused)).toEqual(expect.objectContaining({ message: "Too many failed sign-ins from this address or for this account", hint: expect.stringMatching(/^Wait 60 seconds and try again/) }));
    expect((await signIn("bob", "bob password!", "192.168.1.51")).status).toBe(429);
    expect((await signIn("cat", "cat password!", "192.168.1.50")).status).toBe(429);
    expect((await signIn("cat", "cat password!", "192.168.1.51")).status).toBe(200);

    clock.advance(MINUTE);
    expect((await signIn("bob", "bob password!", "192.168.1.50")).status).toBe(200);

    // Twelve failures within an hour close the address for the rest of the hour.
    for (let i = 0; i < 10; i++) {
      clock.advance(MINUTE);
      expect((await signIn(`nobody${i}`, "wrong", "192.168.1.60")).status).toBe(401);
    }
    clock.advance(MINUTE);
    expect((await signIn("someone", "wrong", "192.168.1.60")).status).toBe(401);
    expect((await signIn("someone2", "wrong", "192.168.1.60")).status).toBe(401);
    clock.advance(2 * MINUTE);
    const hourly = await signIn("vic", "vic password!", "192.168.1.60");
    expect(hourly.status).toBe(429);
    // The oldest of the twelve (at 09:02) leaves the hour at 10:02; it is 09:14.
    expect(Number(hourly.headers.get("retry-after"))).toBe(48 * 60);

    const entries = services.auth.audit.list({ action: "login", user: "bob" }).reverse();
    expect(entries.map((e) => [e.address, e.result])).toEqual([
      ["192.168.1.50", "failed"],
      ["192.168.1.50", "failed"],
      ["192.168.1.50", "denied"],
      ["192.168.1.51", "denied"],
      ["192.168.1.50", "ok"],
    ]);
    expect(entries[0]).toMatchObject({ at: "2026-03-02T09:00:00.000Z", action: "login", target: "bob", detail: "wrong name or password" });
    expect(JSON.stringify(services.auth.audit.list())).not.toContain("password!");
  });

  it("answers a malformed sign-in with the field and a sentence", async () => {
    await team();
    const response = await signIn("", "x");
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ message: expect.stringMatching(/^Use 1 to 64 letters/), hint: "Correct the highlighted field and try again." });
  });
});

describe("the first admin", () => {
  it("is made once through the setup link, which expires; until then every request says how to set up", async () => {
    let t = Date.parse("2026-03-02T09:00:00Z");
    const { services } = await testServices({ access: teamAccess() }, { now: () => t });
    const statusOf = async () => (await status(teamRequest("/api/auth/status"))).json();
    expect(await statusOf()).toEqual({ mode: "team", needsSetup: true, user: null });
    const refused = await trpc(teamRequest("/api/trpc/models.list"));
    expect(refused.status).toBe(503);
    expect((await errorOf(refused)).hint).toContain("whet users add NAME --role admin");

    const create = (token: string) =>
      setup(teamRequest("/api/auth/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, name: "ada", password: "a long password" }) }));
    const wrong = await create("not-the-token");
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).hint).toContain("Restart Whetstone in team mode");
    const stale = services.auth.setup.create().token;
    t += 16 * MINUTE;
    expect((await create(stale)).status).toBe(403);
    const { token } = services.auth.setup.create();
    const made = await create(token);
    expect(made.status).toBe(200);
    expect(made.headers.get("set-cookie")).toMatch(/^whet_session=/);
    expect(services.auth.users.list()).toMatchObject([{ name: "ada", role: "admin" }]);
    expect((await me(cookieOf(made))).status).toBe(200);
    expect((await create(token)).status).toBe(409);
    expect(await statusOf()).toEqual({ mode: "team", needsSetup: false, user: null });
  });

  it("is not needed in local mode, where the person at the machine is an admin without signing in", async () => {
    await testServices({ access: loadConfig({ HOME: "/tmp" }).access });
    const local = new Request("http://127.0.0.1:3100/api/trpc/account.me", { headers: { host: "127.0.0.1:3100" } });
    const response = await trpc(local);
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('"role":"admin"');
    const attempt = await login(new Request("http://127.0.0.1:3100/api/auth/login", { method: "POST", headers: { host: "127.0.0.1:3100" }, body: "{}" }));
    expect(attempt.status).toBe(400);
    expect((await errorOf(attempt)).message).toContain("local mode");
  });
});
