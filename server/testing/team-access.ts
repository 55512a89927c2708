import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { allowedHosts } from "../../lib/auth/allowed-hosts";
import { scopesForRole, type Role } from "../../lib/auth/roles";
import type { AccessConfig } from "../../lib/config";
import { stampClientAddress } from "../auth/client-address";
import type { Principal } from "../auth/principal";
import { appRouter } from "../routers/_app";
import { createCallerFactory } from "../trpc/init";
import { useTestServices } from "./test-services";

/**
 * Test support: the app's route files and pages as found on disk, a team-mode
 * access configuration for a server bound to 127.0.0.2 and reached as
 * whetstone.local (the LAN simulated on loopback), and principals by role.
 */
export const TEAM_PORT = 3100;
export const TEAM_HOST = `whetstone.local:${TEAM_PORT}`;

export function teamAccess(changes: Partial<AccessConfig> = {}): AccessConfig {
  const base = { host: "127.0.0.2", port: TEAM_PORT, name: "whetstone.local", tls: null };
  return {
    mode: "team",
    ...base,
    allowedHosts: allowedHosts({ ...base, tls: false }),
    sessionIdleMinutes: 30,
    quotas: { concurrentJobs: 1, chatPerMinute: 3 },
    ...changes,
  };
}

export function principalOf(user: { id: string; name: string; role: Role }, via: Principal["via"] = "session"): Principal {
  return { id: user.id, name: user.name, role: user.role, via, scopes: scopesForRole(user.role) };
}

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

async function filesNamed(root: string, name: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.filter((e) => e === name || e.endsWith(`${sep}${name}`)).map((e) => join(root, e));
}

const urlPath = (appDir: string, file: string) => `/${relative(appDir, file).split(sep).slice(0, -1).join("/")}`;

/** Every `app/**\/route.ts`, each exported method as `METHOD /path` with its handler. */
export async function appRoutes(appDir: string): Promise<{ key: string; path: string; method: string; handler: (request: Request) => Promise<Response> }[]> {
  const routes = [];
  for (const file of await filesNamed(appDir, "route.ts")) {
    const module = (await import(file)) as Record<string, unknown>;
    for (const method of HTTP_METHODS) {
      const handler = module[method];
      if (typeof handler === "function") routes.push({ key: `${method} ${urlPath(appDir, file)}`, path: urlPath(appDir, file), method, handler: handler as (request: Request) => Promise<Response> });
    }
  }
  return routes;
}

/** Every `app/**\/page.tsx`, as its URL path (route groups and all). */
export async function appPages(appDir: string): Promise<string[]> {
  return (await filesNamed(appDir, "page.tsx")).map((file) => urlPath(appDir, file));
}

/**
 * A team-mode Whetstone on a temp root, on a clock the test moves, with an
 * admin (ada), two members (bob, cat) and a viewer (vic); `as(name)` is the
 * router's caller signed in as them. Jobs in the `checks` queue stay queued.
 */
export function useTeam(tempDir: () => Promise<string>) {
  const testServices = useTestServices(tempDir);
  return async (access: Partial<AccessConfig> = {}) => {
    let t = Date.parse("2026-03-02T09:00:00Z");
    const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
    const { services, config } = await testServices({ access: teamAccess(access) }, { now: clock.now, concurrency: { checks: 0 } });
    const { users } = services.auth;
    const add = (name: string, role: Role) => users.add({ name, role, password: `${name} password!` });
    const people = { ada: await add("ada", "admin"), bob: await add("bob", "member"), cat: await add("cat", "member"), vic: await add("vic", "viewer") };
    const caller = (principal: Principal | null, address = "192.168.1.7") => createCallerFactory(appRouter)({ config, services, principal, address });
    const as = (name: keyof typeof people, via: Principal["via"] = "session") => caller(principalOf(people[name], via));
    return { services, config, clock, people, caller, as };
  };
}

/** A request as a teammate's client sends it to whetstone.local, from a LAN address the app server stamped. */
export function teamRequest(path: string, init: { method?: string; headers?: Record<string, string>; body?: string; address?: string } = {}): Request {
  const headers = new Headers({ host: TEAM_HOST, ...init.headers });
  stampClientAddress(headers, init.address ?? "192.168.1.7");
  return new Request(`http://${TEAM_HOST}${path}`, { method: init.method ?? "GET", headers, ...(init.body !== undefined ? { body: init.body } : {}) });
}
