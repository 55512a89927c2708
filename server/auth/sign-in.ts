import { z } from "zod";
import { passwordSchema, userNameSchema } from "../../lib/auth/roles";
import { WhetError } from "../../lib/errors";
import { accessResponse } from "./access-response";
import type { AccessDeps } from "./auth-services";
import type { RouteAccess } from "./route-access";
import { clearedSessionCookie, sessionCookie } from "./session-cookie";

const MAX_BODY_BYTES = 16 * 1024;
const SESSION_COOKIE_SECONDS = 30 * 86_400;

/** Sign-in bodies are a few fields; a larger one is refused before it is read whole. */
async function readJson(request: Request): Promise<unknown> {
  const reader = request.body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

function invalid(error: z.ZodError): Response {
  const issue = error.issues[0];
  const field = String(issue?.path[0] ?? "input");
  return fail(new WhetError("invalid_input", issue?.message ?? "The form is incomplete", "Correct the highlighted field and try again.", { field }), 400);
}

function fail(error: WhetError, status: number, headers: Record<string, string> = {}): Response {
  const response = accessResponse(error, headers);
  return status === response.status ? response : new Response(response.body, { status, headers: response.headers });
}

function signedIn(deps: AccessDeps, user: { id: string; name: string; role: string }, address: string): Response {
  const { id } = deps.auth.sessions.create(user.id, address);
  return Response.json(
    { name: user.name, role: user.role },
    { headers: { "set-cookie": sessionCookie(id, { tls: deps.access.tls !== null, maxAgeSeconds: SESSION_COOKIE_SECONDS }), "cache-control": "no-store" } },
  );
}

function tooMany(wait: number): WhetError {
  const seconds = Math.ceil(wait / 1000);
  return new WhetError(
    "too_many_attempts",
    "Too many failed sign-ins from this address or for this account",
    `Wait ${seconds} seconds and try again; if you forgot your password, ask an admin to reset it.`,
    { retryAfterSeconds: seconds, field: "password" },
  );
}

const noSignInLocally = () =>
  fail(new WhetError("local_mode", "This Whetstone runs in local mode, where the person at the machine needs no sign-in", "Open the app directly; accounts apply once it is started with `npm start -- --lan`."), 400);

const loginSchema = z.object({ name: userNameSchema, password: z.string().min(1, "Enter your password").max(200, "Use at most 200 characters for the password") });

/** POST /api/auth/login: a name and password for a session cookie, throttled per address and per account, every attempt audited. */
export async function handleLogin(request: Request, access: RouteAccess, deps: AccessDeps): Promise<Response> {
  if (deps.access.mode === "local") return noSignInLocally();
  const body = loginSchema.safeParse(await readJson(request));
  if (!body.success) return invalid(body.error);
  const { name, password } = body.data;
  const { auth } = deps;
  const record = (result: "ok" | "denied" | "failed", detail = "") => auth.audit.record({ user: name, address: access.address, action: "login", target: name, result, detail });

  const wait = auth.throttle.wait(access.address, name);
  if (wait > 0) {
    const error = tooMany(wait);
    record("denied", error.message);
    return fail(error, 429);
  }
  const user = await auth.users.verify(name, password);
  if (!user) {
    auth.throttle.failed(access.address, name);
    record("failed", "wrong name or password");
    return fail(new WhetError("wrong_credentials", "That name and password do not match an account", "Check both and try again; an admin can reset a forgotten password.", { field: "password" }), 401);
  }
  record("ok");
  return signedIn(deps, user, access.address);
}

/** POST /api/auth/logout: ends this browser's session. */
export function handleLogout(access: RouteAccess, deps: AccessDeps): Response {
  const principal = access.principal;
  if (principal?.sessionId) {
    deps.auth.sessions.revoke(principal.sessionId);
    deps.auth.audit.record({ user: principal.name, address: access.address, action: "logout", target: principal.name, result: "ok" });
  }
  return Response.json({ signedOut: true }, { headers: { "set-cookie": clearedSessionCookie(deps.access.tls !== null), "cache-control": "no-store" } });
}

const setupSchema = z.object({ token: z.string().min(1).max(200), name: userNameSchema, password: passwordSchema });

/** POST /api/auth/setup: the one-time link printed at a team-mode start makes the first admin, and signs them in. */
export async function handleSetup(request: Request, access: RouteAccess, deps: AccessDeps): Promise<Response> {
  if (deps.access.mode === "local") return noSignInLocally();
  const { auth } = deps;
  if (auth.users.countAdmins() > 0) {
    return fail(new WhetError("setup_done", "Whetstone already has an admin", "Sign in on the Sign-in page; an admin adds further accounts on the Users page."), 409);
  }
  const body = setupSchema.safeParse(await readJson(request));
  if (!body.success) return invalid(body.error);
  const wait = auth.throttle.wait(access.address, "setup");
  if (wait > 0) return fail(tooMany(wait), 429);
  if (!auth.setup.consume(body.data.token)) {
    auth.throttle.failed(access.address, "setup");
    auth.audit.record({ user: body.data.name, address: access.address, action: "setup", target: body.data.name, result: "failed", detail: "invalid or expired setup link" });
    return fail(
      new WhetError("setup_link_invalid", "This setup link is not valid: it was used already, or it is older than 15 minutes", "Restart Whetstone in team mode to print a new link, or run `whet users add NAME --role admin` on the machine.", { field: "token" }),
      403,
    );
  }
  const user = await auth.users.add({ name: body.data.name, role: "admin", password: body.data.password });
  auth.audit.record({ user: user.name, address: access.address, action: "user.add", target: `${user.name} (admin, by the setup link)`, result: "ok" });
  return signedIn(deps, user, access.address);
}

/** GET /api/auth/status: what the sign-in page needs to know before anyone has signed in. */
export function handleStatus(access: RouteAccess, deps: AccessDeps): Response {
  return Response.json(
    {
      mode: deps.access.mode,
      needsSetup: deps.access.mode === "team" && deps.auth.users.countAdmins() === 0,
      user: access.principal ? { name: access.principal.name, role: access.principal.role } : null,
    },
    { headers: { "cache-control": "no-store" } },
  );
}
