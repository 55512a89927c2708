import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { appRouter } from "../routers/_app";
import { STANDALONE_ROUTES } from "../openai/standalone-server";
import { appPages, appRoutes, TEAM_HOST, teamRequest, useTeam } from "../testing/team-access";
import { PAGES, PROCEDURES, ROUTES } from "./permissions";

const tempDir = useTempDirs();
const team = useTeam(tempDir);
const APP = join(process.cwd(), "app");

type Procedure = { _def: { type: "query" | "mutation" | "subscription"; meta?: { role?: string } } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>).map(([path, p]) => ({ path, type: p._def.type, role: p._def.meta?.role }));
const changesState = (type: string) => type !== "query";

/** Calls a procedure by its dotted path with the given caller. */
function invoke(call: unknown, path: string, input?: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], call) as (input: unknown) => Promise<unknown>;
  return Promise.resolve().then(() => fn(input));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    // A subscription's middlewares run when it is first read.
    if (value && typeof value === "object" && Symbol.asyncIterator in value) await (value as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

const routes = await appRoutes(APP);
const handlerFor = (key: string) => {
  const route = routes.find((r) => r.key === key);
  if (!route) throw new Error(`no route ${key}`);
  return route.handler;
};

const request = teamRequest;

/** A tRPC call through the real route handler: queries and subscriptions by GET, mutations by POST. */
function trpc(path: string, type: string, headers: Record<string, string> = {}, input?: unknown): Promise<Response> {
  const encoded = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  if (type === "mutation") {
    return handlerFor("POST /api/trpc/[trpc]")(
      request(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: input ?? null }) }),
    );
  }
  return handlerFor("GET /api/trpc/[trpc]")(request(`/api/trpc/${path}${encoded}`, { headers }));
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("the permission table", () => {
  it("covers every route file, page and procedure, and every procedure's type names the role the table gives it", async () => {
    const standalone = Object.keys(STANDALONE_ROUTES);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes.map((r) => r.key).filter((k) => !Object.hasOwn(ROUTES, k))).toEqual([]);
    expect(Object.keys(ROUTES).filter((k) => !routes.some((r) => r.key === k) && !standalone.includes(k))).toEqual([]);
    expect(standalone.filter((k) => !Object.hasOwn(ROUTES, k))).toEqual([]);

    const pages = await appPages(APP);
    expect(pages.sort()).toEqual(Object.keys(PAGES).sort());
    expect(pages.filter((p) => p.startsWith("/admin")).map((p) => PAGES[p])).toEqual(pages.filter((p) => p.startsWith("/admin")).map(() => "admin"));

    expect(procedures.length).toBeGreaterThanOrEqual(40);
    expect(procedures.map((p) => p.path).sort()).toEqual(Object.keys(PROCEDURES).sort());
    for (const p of procedures) expect(`${p.path}: ${p.role}`).toBe(`${p.path}: ${PROCEDURES[p.path]?.role}`);

    // Only signing in is public.
    expect(Object.entries(ROUTES).filter(([, r]) => r.role === "public").map(([k]) => k).sort()).toEqual(["GET /api/auth/status", "POST /api/auth/login", "POST /api/auth/logout", "POST /api/auth/setup"]);
    expect(Object.entries(PAGES).filter(([, r]) => r === "public").map(([k]) => k).sort()).toEqual(["/setup", "/sign-in"]);
  });
});

describe("team mode", () => {
  it("answers 401 to every procedure and route without credentials, loopback included", async () => {
    const { caller } = await team();
    for (const p of procedures) expect(`${p.path} ${await codeOf(invoke(caller(null, "127.0.0.1"), p.path))}`).toBe(`${p.path} UNAUTHORIZED`);
    for (const p of procedures) {
      const response = await trpc(p.path, p.type);
      expect(`${p.path} ${response.status}`).toBe(`${p.path} 401`);
      expect(await response.text()).toContain("Sign in first");
    }
    for (const route of routes.filter((r) => !["public", "procedures"].includes(ROUTES[r.key]?.role ?? ""))) {
      const response = await route.handler(request(route.path, { method: route.method, ...(route.method === "POST" ? { headers: { "content-type": "application/json" }, body: "{}" } : {}) }));
      expect(`${route.key} ${response.status}`).toBe(`${route.key} 401`);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="whetstone"');
      expect(((await response.json()) as { error: { message: string; hint: string } }).error.hint).toContain("Authorization: Bearer");
    }
  });

  it("refuses a foreign Host and cross-site requests on every route, even with a valid token", async () => {
    const { services, people } = await team();
    const { token } = services.auth.tokens.create({ userId: people.ada.id, name: "t", scopes: ["read", "chat", "write", "admin"] });
    for (const route of routes) {
      const init = { method: route.method, headers: { ...bearer(token) }, ...(route.method === "POST" ? { body: "{}" } : {}) };
      const foreign = await route.handler(request(route.path, { ...init, headers: { ...init.headers, host: "evil.example:3100" } }));
      expect(`${route.key} ${foreign.status}`).toBe(`${route.key} 403`);
      expect(await foreign.text()).toContain("DNS rebinding");
      const crossSite = await route.handler(request(route.path, { ...init, headers: { ...init.headers, origin: "http://evil.example", "sec-fetch-site": "cross-site" } }));
      expect(`${route.key} ${crossSite.status}`).toBe(`${route.key} 403`);
    }
    // The name and the bound address are this app; so are loopback names.
    for (const host of [TEAM_HOST, "127.0.0.2:3100", "127.0.0.1:3100"]) {
      expect((await handlerFor("GET /api/health")(request("/api/health", { headers: { host, ...bearer(token) } }))).status).toBe(200);
    }
  });

  it("refuses a viewer everything that changes state but chatting and their own account, and each role what is above it", async () => {
    const { as } = await team();
    const viewerMayChange = procedures.filter((p) => changesState(p.type) && PROCEDURES[p.path]?.role === "viewer").map((p) => p.path);
    expect(viewerMayChange.every((path) => /^(chat|account)\./.test(path) || path === "operations.watch")).toBe(true);
    for (const p of procedures.filter((p) => changesState(p.type) && PROCEDURES[p.path]?.role !== "viewer")) {
      expect(`${p.path} ${await codeOf(invoke(as("vic"), p.path))}`).toBe(`${p.path} FORBIDDEN`);
    }
    for (const p of procedures.filter((p) => PROCEDURES[p.path]?.role === "admin")) {
      expect(`${p.path} ${await codeOf(invoke(as("bob"), p.path))}`).toBe(`${p.path} FORBIDDEN`);
    }
    await expect(as("vic").operations.start({ kind: "verify-load", spec: "x" })).rejects.toMatchObject({ code: "FORBIDDEN", message: "This needs the member role, and vic is a viewer", cause: { hint: expect.stringContaining("whet users role") } });
    expect(await as("vic").models.list()).toEqual([]);
  });

  it("holds API tokens to their scopes and their user's role, and refuses a revoked one at once", async () => {
    const { services, people, as } = await team();
    const readOnly = services.auth.tokens.create({ userId: people.bob.id, name: "read", scopes: ["read"] }).token;
    const writer = services.auth.tokens.create({ userId: people.bob.id, name: "write", scopes: ["read", "write"] }).token;
    // Scopes the role does not have are dropped: a viewer's admin-scoped token is still a viewer's.
    const inflated = services.auth.tokens.create({ userId: people.vic.id, name: "x", scopes: ["admin", "write", "read"] }).token;

    expect((await trpc("models.list", "query", bearer(readOnly))).status).toBe(200);
    const noChat = await trpc("chat.create", "mutation", bearer(readOnly), { model: "talker" });
    expect(noChat.status).toBe(403);
    expect(await noChat.text()).toContain("This token lacks the 'chat' scope");
    expect((await trpc("operations.start", "mutation", bearer(readOnly), { kind: "verify-load", spec: "nothing" })).status).toBe(403);
    // With the write scope the call gets past access control, to the procedure: there is no such model.
    const started = await trpc("operations.start", "mutation", bearer(writer), { kind: "verify-load", spec: "nothing" });
    expect(started.status).toBe(404);
    expect((await trpc("admin.users", "query", bearer(inflated))).status).toBe(403);
    expect((await trpc("operations.start", "mutation", bearer(inflated), { kind: "verify-load", spec: "nothing" })).status).toBe(403);
    // No token manages accounts, whatever its scopes.
    const account = await trpc("account.createToken", "mutation", bearer(writer), { name: "more", scopes: ["read"] });
    expect(account.status).toBe(403);
    expect(await account.text()).toContain("API tokens cannot manage accounts or tokens");
    // A viewer cannot mint a token beyond their role; the refusal names the field.
    await expect(as("vic").account.createToken({ name: "w", scopes: ["write"] })).rejects.toMatchObject({ message: "A viewer cannot give a token the write scope", cause: { details: { field: "scopes" } } });
    const over = await trpc("account.createToken", "mutation", {}, { name: "", scopes: [] });
    expect(over.status).toBe(401);

    const id = services.auth.tokens.list({ userId: people.bob.id }).find((t) => t.name === "read")?.id as string;
    expect((await handlerFor("GET /v1/models")(request("/v1/models", { headers: bearer(readOnly) }))).status).toBe(200);
    await as("ada").admin.revokeToken({ id });
    expect((await handlerFor("GET /v1/models")(request("/v1/models", { headers: bearer(readOnly) }))).status).toBe(401);
    expect((await trpc("models.list", "query", bearer(readOnly))).status).toBe(401);
    // A bad bearer token is not rescued by a good session cookie.
    const session = services.auth.sessions.create(people.bob.id, "x").id;
    expect((await trpc("models.list", "query", { ...bearer(readOnly), cookie: `whet_session=${session}` })).status).toBe(401);
    expect((await trpc("models.list", "query", { cookie: `whet_session=${session}` })).status).toBe(200);
    expect(services.auth.tokens.get(services.auth.tokens.list({ userId: people.bob.id }).find((t) => t.name === "write")?.id as string)?.lastUsedAt).not.toBeNull();
  });
});
