import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { interfaceAddresses, isLoopback, isWildcard } from "../../lib/auth/allowed-hosts";
import { SETUP_TOKEN_MINUTES } from "../../lib/auth/setup-token";
import type { WhetConfig } from "../../lib/config";
import { fingerprintOf, ensureSelfSignedCert } from "../../lib/tls/self-signed-cert";
import { readFile } from "node:fs/promises";
import { stampClientAddress } from "../auth/client-address";
import type { Services } from "../services";

export interface TeamServer {
  /** Where teammates open Whetstone (the LAN name when there is one). */
  url: string;
  /** What the start prints: where it runs, the certificate's fingerprint, the setup link. */
  lines: string[];
  close(): Promise<void>;
}

// While no admin exists, only what creating one needs is served.
const SETUP_PATHS = [/^\/setup(\?|$)/, /^\/api\/auth\/(setup|status)(\?|$)/, /^\/_next\/static\//, /^\/favicon\.ico$/];

function waitingForAdmin(res: ServerResponse): void {
  res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "30" });
  res.end(
    "Whetstone is waiting for its first admin account, and serves nothing else until one exists.\n" +
      "Open the setup link printed when it started, or run `npx whet users add NAME --role admin` on the machine.\n",
  );
}

/** The address teammates use: the LAN name, else the bound address, else (bound to all) this machine's first LAN address. */
function publicHost(config: WhetConfig): string {
  const { name, host } = config.access;
  if (name) return name;
  if (!isWildcard(host)) return host.includes(":") ? `[${host}]` : host;
  return interfaceAddresses().find((a) => !isLoopback(a) && !a.includes(":")) ?? "127.0.0.1";
}

/**
 * Team mode's front: listens on the configured address (HTTPS with `--tls`),
 * stamps each request with the client's address for the audit log and
 * sign-in throttling, and serves nothing but the setup page until an admin
 * exists. `handler` is the Next app's request handler.
 */
export async function startTeamServer(config: WhetConfig, services: Services, handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<TeamServer> {
  const { access } = config;
  const tls = access.tls
    ? access.tls.selfSigned
      ? await ensureSelfSignedCert({ cert: access.tls.cert, key: access.tls.key, names: [...(access.name ? [access.name] : []), ...(isWildcard(access.host) ? interfaceAddresses() : [access.host]), "localhost"] })
      : { ...access.tls, fingerprint: await fingerprintOf(access.tls.cert) }
    : null;
  let adminExists = false;
  const listener: RequestListener = (req, res) => {
    stampClientAddress(req.headers, req.socket.remoteAddress);
    adminExists ||= services.auth.users.countAdmins() > 0;
    if (!adminExists && !SETUP_PATHS.some((p) => p.test(req.url ?? "/"))) return waitingForAdmin(res);
    void Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Whetstone could not answer this request.");
    });
  };
  const server = tls ? createHttpsServer({ cert: await readFile(tls.cert), key: await readFile(tls.key) }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(access.port, access.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? "https" : "http"}://${publicHost(config)}:${port}`;
  const lines = [`Whetstone is running in team mode at ${url} (listening on ${access.host}:${port}); every request needs an account.`];
  if (tls) lines.push(`Certificate SHA-256 fingerprint: ${tls.fingerprint}`, "Teammates should see the same fingerprint in their browser before they trust it.");
  if (services.auth.users.countAdmins() === 0) {
    const { token } = services.auth.setup.create();
    lines.push(
      `No admin account exists yet. Within ${SETUP_TOKEN_MINUTES} minutes, open ${url}/setup?token=${token} to create one,`,
      "or run `npx whet users add NAME --role admin` on this machine.",
    );
  }
  return {
    url,
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
