import { X509Certificate } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { clientAddress } from "../auth/client-address";
import { teamAccess } from "../testing/team-access";
import { useTestServices } from "../testing/test-services";
import { startTeamServer } from "./team-server";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

/** One request to 127.0.0.2 with the Host a teammate's browser sends, trusting `ca` for HTTPS. */
function get(url: string, path: string, headers: Record<string, string>, ca?: Buffer) {
  const { port, protocol } = new URL(url);
  const request = protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<{ status: number; body: string; fingerprint: string | null }>((resolve, reject) => {
    const req = request({ host: "127.0.0.2", port, path, headers, ...(ca ? { ca, servername: "whetstone.local" } : {}) }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      const socket = res.socket as import("node:tls").TLSSocket;
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, fingerprint: typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate().fingerprint256 : null }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the team-mode app server", () => {
  it("serves HTTPS with a self-signed certificate whose printed fingerprint is the one served, stamps client addresses, and serves only setup until an admin exists", async () => {
    const { services, config } = await testServices({ access: teamAccess({ port: 0, tls: null }) });
    const tlsDir = join(config.dataDir, "tls");
    const teamConfig = { ...config, access: { ...config.access, tls: { cert: join(tlsDir, "cert.pem"), key: join(tlsDir, "key.pem"), selfSigned: true } } };
    // The handler stands in for the Next app: it answers with the address route handlers would see.
    const server = await startTeamServer(teamConfig, services, (req, res) => res.end(clientAddress({ get: (name) => (req.headers[name] as string | undefined) ?? null })));
    onTestFinished(() => server.close());

    expect(server.url).toMatch(/^https:\/\/whetstone\.local:\d+$/);
    const fingerprint = server.lines.find((l) => l.startsWith("Certificate SHA-256 fingerprint: "))?.split(": ")[1];
    const cert = await readFile(join(tlsDir, "cert.pem"));
    expect(fingerprint).toBe(new X509Certificate(cert).fingerprint256);
    expect(new X509Certificate(cert).subjectAltName).toContain("DNS:whetstone.local");
    expect(new X509Certificate(cert).subjectAltName).toContain("IP Address:127.0.0.2");
    expect((await stat(join(tlsDir, "key.pem"))).mode & 0o777).toBe(0o600);

    const host = { host: `whetstone.local:${new URL(server.url).port}` };
    const waiting = await get(server.url, "/", host, cert);
    expect(waiting.fingerprint).toBe(fingerprint);
    expect(waiting.status).toBe(503);
    expect(waiting.body).toContain("waiting for its first admin account");
    // The setup page and its API are served; the printed link carries a token that works once.
    expect((await get(server.url, "/setup?token=x", host, cert)).status).toBe(200);
    const link = server.lines.find((l) => l.includes("/setup?token="));
    const token = /token=([\w-]+)/.exec(link ?? "")?.[1] as string;
    expect(link).toContain(`${server.url}/setup?token=`);
    expect(services.auth.setup.consume(token)).toBe(true);

    await services.auth.users.add({ name: "ada", role: "admin", password: "a long password" });
    const served = await get(server.url, "/anything", { ...host, "x-whet-client": "forged 10.9.9.9" }, cert);
    expect(served).toMatchObject({ status: 200, body: "127.0.0.1" });

    // The next start keeps the certificate teammates already trust.
    const again = await startTeamServer(teamConfig, services, (_req, res) => res.end());
    onTestFinished(() => again.close());
    expect(again.lines).toContain(`Certificate SHA-256 fingerprint: ${fingerprint}`);
    expect(again.lines.some((l) => l.includes("/setup?token="))).toBe(false);
  });
});
