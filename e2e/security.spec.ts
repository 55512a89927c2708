import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";

/** A raw HTTP request, so Host and Origin can be set to what an attacker's page would produce. */
function send(baseURL: string, path: string, method: string, headers: Record<string, string>, body?: string) {
  const url = new URL(path, baseURL);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: body ? { ...headers, "content-length": Buffer.byteLength(body) } : headers },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

test.describe("safe by default", () => {
  test("refuses a request whose Host is not a loopback name (DNS rebinding)", async ({ baseURL }) => {
    const base = baseURL as string;
    const port = new URL(base).port;
    for (const path of ["/", "/api/trpc/models.list", "/api/health"]) {
      const response = await send(base, path, "GET", { host: `evil.example:${port}` });
      expect(response.status, path).toBe(403);
      expect(response.body).toContain("DNS rebinding");
    }
    expect((await send(base, "/api/health", "GET", { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await send(base, "/api/health", "GET", { host: `localhost:${port}` })).status).toBe(200);
  });

  test("refuses a state-changing request from another origin (CSRF)", async ({ baseURL }) => {
    const base = baseURL as string;
    const host = new URL(base).host;
    const body = JSON.stringify({ json: { kind: "verify-load", spec: "nothing-here" } });
    const headers = { host, "content-type": "application/json" };
    const foreign = await send(base, "/api/trpc/operations.start", "POST", { ...headers, origin: "http://evil.example" }, body);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("cross-site request refused");
    const nullOrigin = await send(base, "/api/trpc/operations.start", "POST", { ...headers, origin: "null" }, body);
    expect(nullOrigin.status).toBe(403);
    // The app's own origin gets through to the procedure, which answers that the model does not exist.
    const own = await send(base, "/api/trpc/operations.start", "POST", { ...headers, origin: `http://${host}` }, body);
    expect(own.status).toBe(404);
    expect(own.body).toContain("No model found matching 'nothing-here'");
  });

  test("listens on loopback only", async ({ baseURL }) => {
    expect(new URL(baseURL as string).hostname).toBe("127.0.0.1");
  });
});
