import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import OpenAI from "openai";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../../lib/config";
import { makeModel } from "../../lib/factory/make-model";
import { createRunnerPool } from "../../lib/runner/runner-pool";
import { openAppDatabase } from "../../lib/store/app-database";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { runCli } from "../../cli/main";
import { createAuthServices } from "../auth/auth-services";
import { teamAccess } from "../testing/team-access";
import { serveOpenAI } from "./standalone-server";

const tempDir = useTempDirs();

async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** `whet serve --lan` as the command builds it: bound to 127.0.0.2 (the LAN, simulated), known as whetstone.local, accounts from the app database. */
async function serveLan() {
  const root = await tempDir();
  const workspaceRoot = join(root, "workspaces");
  const hubCache = join(root, "hub");
  const dataDir = join(root, "data");
  await makeModel({ dir: join(workspaceRoot, "chatty"), seed: 31 });
  const port = await freePort("127.0.0.2");
  const access = teamAccess({ port, allowedHosts: [`whetstone.local:${port}`, `127.0.0.2:${port}`], quotas: { concurrentJobs: 1, chatPerMinute: 3 } });
  const auth = createAuthServices(openAppDatabase(dataDir), { dataDir, access });
  await auth.users.add({ name: "ada", role: "admin", password: "adas password" });
  const bob = await auth.users.add({ name: "bob", role: "member", password: "bobs password" });
  const { token, record } = auth.tokens.create({ userId: bob.id, name: "laptop", scopes: ["read", "chat"] });
  const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot, hubCache } });
  const server = await serveOpenAI({ host: "127.0.0.2", port, roots: { workspaceRoot, hubCache }, ctx: { pool }, access: { access, auth } });
  onTestFinished(async () => {
    await server.close();
    await pool.stopAll();
  });
  const client = (apiKey: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
  return { server, port, auth, token, tokenId: record.id, client };
}

function status(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.2", port, path: "/v1/models", headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("whet serve --lan", () => {
  it("serves the official openai client with a token, refuses it without one or once revoked, and holds the chat quota", async () => {
    const { client, token, tokenId, auth, port } = await serveLan();

    expect((await client(token).models.list()).data.map((m) => m.id)).toEqual(["chatty"]);
    const reply = await client(token).chat.completions.create({ model: "chatty", messages: [{ role: "user", content: "Hi" }], max_tokens: 3, temperature: 0 });
    expect(reply.usage?.completion_tokens).toBe(3);

    await expect(client("whet_not-a-real-token").models.list()).rejects.toMatchObject({ status: 401, message: expect.stringContaining("Sign in first") });

    // The name teammates use and the bound address are this server; another name is not.
    expect(await status(port, { host: `whetstone.local:${port}`, authorization: `Bearer ${token}` })).toBe(200);
    expect(await status(port, { host: `evil.example:${port}`, authorization: `Bearer ${token}` })).toBe(403);
    expect(await status(port, { host: `whetstone.local:${port}` })).toBe(401);

    // Three chat requests a minute: one answered above, two more, then 429 with when to retry.
    for (let i = 0; i < 2; i++) await expect(client(token).chat.completions.create({ model: "nothing", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 404 });
    const limited = await client(token)
      .chat.completions.create({ model: "chatty", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error as { status: number; headers: Headers; message: string });
    expect(limited).toMatchObject({ status: 429, message: expect.stringContaining("3 chat requests in the last minute") });
    expect(Number((limited as { headers: Headers }).headers.get("retry-after"))).toBeGreaterThan(0);

    auth.tokens.revoke(tokenId);
    await expect(client(token).models.list()).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a LAN address without --lan, and --lan before an admin exists, with the fix", async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    expect(await runCli(["serve", "--host", "0.0.0.0"], io)).toBe(2);
    expect(out.join("")).toContain("--host 0.0.0.0 is not a loopback address, and without --lan `whet serve` has no authentication");
    expect(out.join("")).toContain("Add --lan to require API tokens");

    const home = await tempDir();
    const result = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), "serve", "--lan", "--host", "127.0.0.2", "--port", "0", "--json"], {
      env: { WHET_HOME: home, HF_HUB_CACHE: join(home, "hub") },
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: "error", error: { type: "setup_required", hint: expect.stringContaining("whet users add NAME --role admin") } });
  });
});
