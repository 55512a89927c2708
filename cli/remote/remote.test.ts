import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "../../app/api/trpc/[trpc]/route";
import { POST as chatCompletions } from "../../app/v1/chat/completions/route";
import { loadConfig, type WhetConfig } from "../../lib/config";
import { freePortBlock } from "../../lib/distributed/free-ports";
import { makeModel } from "../../lib/factory/make-model";
import { startHubFixture, type HubFixture } from "../../lib/hub-fixture/start-hub-fixture";
import { send, toRequest } from "../../server/openai/standalone-server";
import { createServices, type Services } from "../../server/services";
import { startTeamServer, type TeamServer } from "../../server/team/team-server";
import { teamAccess } from "../../server/testing/team-access";
import { runCli } from "../main";

/**
 * A teammate's `whet --remote` against a team-mode Whetstone served in this
 * process over real HTTPS on 127.0.0.2 (self-signed certificate, the app's
 * tRPC route), with accounts, tokens and a Hub fixture to clone from.
 */
let root: string;
let hub: HubFixture;
let services: Services;
let server: TeamServer;
let url: string;
let fingerprint: string;
let tokens: { read: string; readId: string; write: string; unused: string; unusedId: string };

const HUB_WRITE = "hf_remotewritetoken0123456789";
const holder = globalThis as typeof globalThis & { __whetServices?: Services };

/** The app's tRPC route and its chat completions, as the Next app mounts them. */
function appHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = toRequest(req, new AbortController().signal, "https");
  const path = new URL(request.url).pathname;
  const route = path.startsWith("/api/trpc/") ? (request.method === "POST" ? POST : GET) : path === "/v1/chat/completions" ? chatCompletions : null;
  if (!route) return send(res, new Response("not found", { status: 404 }));
  return route(request).then((response) => send(res, response));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-remote-"));
  // The CLI in this process reads this environment (its own WHET_HOME, where remotes are saved).
  process.env.WHET_HOME = join(root, "cli-home");
  const source = await makeModel({ dir: join(root, "src", "tiny"), seed: 5 });
  hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir: source.dir }], tags: ["mlx"] }], writeTokens: [HUB_WRITE], user: { orgs: ["acme"] } });
  const port = await freePortBlock(1, "127.0.0.2");
  const dataDir = join(root, "server");
  const config: WhetConfig = {
    ...loadConfig({ HOME: root }),
    dataDir,
    workspaceRoot: join(dataDir, "workspaces"),
    hubCache: join(dataDir, "hub"),
    hfHome: join(dataDir, "hf"),
    endpoint: hub.url,
    token: null,
    access: teamAccess({
      port,
      allowedHosts: [`127.0.0.2:${port}`],
      tls: { cert: join(dataDir, "tls", "cert.pem"), key: join(dataDir, "tls", "key.pem"), selfSigned: true },
      quotas: { concurrentJobs: 2, chatPerMinute: 3 },
    }),
  };
  await makeModel({ dir: join(config.workspaceRoot, "shared-model"), seed: 9 });
  services = createServices(config);
  holder.__whetServices = services;
  const { users, tokens: store } = services.auth;
  await users.add({ name: "ada", role: "admin", password: "adas long password" });
  const bob = await users.add({ name: "bob", role: "member", password: "bobs long password" });
  const read = store.create({ userId: bob.id, name: "laptop-read", scopes: ["read"] });
  // Bob's own Hugging Face token, stored on the server (the Account page): his pushes use it.
  services.auth.hubTokens.set(bob.id, HUB_WRITE);
  const write = store.create({ userId: bob.id, name: "laptop-write", scopes: ["read", "write", "chat"] });
  const unused = store.create({ userId: bob.id, name: "never-sent", scopes: ["read"] });
  tokens = { read: read.token, readId: read.record.id, write: write.token, unused: unused.token, unusedId: unused.record.id };
  server = await startTeamServer(config, services, appHandler);
  url = `https://127.0.0.2:${port}`;
  fingerprint = server.lines.find((l) => l.startsWith("Certificate SHA-256 fingerprint: "))?.split(": ")[1] as string;
});

afterAll(async () => {
  await server?.close();
  await services?.close();
  delete holder.__whetServices;
  await hub?.close();
  await rm(root, { recursive: true, force: true });
});

/** The CLI in this process; `input` is what standard input holds (a token for --token-stdin). */
async function whet(args: string[], input: string | null = null) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readLine: async () => input, progress: (line) => progress.push(line) });
  const stdout = out.join("");
  return { code, stdout, stderr: err.join(""), progress, json: args.includes("--json") ? (JSON.parse(stdout) as { status: string; data: any; error: any }) : null };
}

describe("whet --remote against a team-mode Whetstone", () => {
  it("saves a remote with its token (0600, never shown again) and pinned certificate; lists with a read token; refuses writes naming the scope", async () => {
    const added = await whet(["remote", "add", "team", url, "--token-stdin", "--fingerprint", `SHA256:${fingerprint}`], tokens.read);
    expect(added.code).toBe(0);
    expect(added.stdout + added.stderr).not.toContain(tokens.read);
    const file = join(root, "cli-home", "remotes.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toContain(tokens.read);
    const listed = await whet(["remote", "list", "--json"]);
    expect(listed.json?.data.remotes).toEqual([{ name: "team", url, fingerprint, token: "saved" }]);
    expect(listed.stdout).not.toContain(tokens.read);

    const models = await whet(["--remote", "team", "list", "--all", "--json"]);
    expect(models.json).toMatchObject({ status: "success", error: null });
    expect(models.json?.data.models.map((m: { display_name: string }) => m.display_name)).toEqual(["shared-model"]);
    const table = await whet(["list", "--remote=team"]);
    expect(table.stdout).toMatch(/^Name\s+Hash\s+Size/);
    expect(table.stdout).toContain("shared-model");
    const health = await whet(["--remote", "team", "health", "shared-model", "--json"]);
    expect(health.json?.data.summary).toEqual({ total: 1, healthy_count: 1, unhealthy_count: 0 });

    const clone = await whet(["--remote", "team", "clone", "acme/tiny", "--json"]);
    expect(clone.code).toBe(1);
    expect(clone.json?.error).toMatchObject({ type: "forbidden", message: "This token lacks the 'write' scope", hint: expect.stringContaining("--scopes write") });
    const pull = await whet(["--remote", "team", "pull", "acme/tiny"]);
    expect(pull.stderr).toContain("lacks the 'write' scope");

    const chat = await whet(["--remote", "team", "run", "shared-model", "Hi", "--json"]);
    expect(chat.json?.error).toMatchObject({ type: "forbidden", message: "This token lacks the 'chat' scope" });

    const rmRemote = await whet(["--remote", "team", "rm", "shared-model", "--json"]);
    expect(rmRemote.json?.error).toMatchObject({ type: "not_remote", message: expect.stringContaining("deletes no models") });

    services.auth.tokens.revoke(tokens.readId);
    const revoked = await whet(["--remote", "team", "list", "--json"]);
    expect(revoked.code).toBe(1);
    expect(revoked.json?.error).toMatchObject({ type: "token_refused", http_status: 401, hint: expect.stringContaining("whet remote add team") });
    expect(revoked.stdout).not.toContain(tokens.read);
  });

  it("clones from the Hub and pushes as jobs owned by the token's user, with the local command's envelope and progress line, and runs a prompt through the remote's OpenAI API", async () => {
    expect((await whet(["remote", "add", "team-write", url, "--token-stdin", "--fingerprint", fingerprint], tokens.write)).code).toBe(0);
    const clone = await whet(["--remote", "team-write", "clone", "acme/tiny", "bobs-tiny", "--json"]);
    expect(clone.json).toMatchObject({ status: "success", command: "clone", error: null, data: { model: "acme/tiny", clone_status: "success", health: "healthy", files: expect.any(Number) } });
    expect(clone.json?.data.target_dir).toBe(join(root, "server", "workspaces", "bobs-tiny"));
    expect((await stat(join(clone.json?.data.target_dir, "config.json"))).isFile()).toBe(true);

    // For people: the local command's progress line (the same renderer) and its summary.
    const again = await whet(["--remote", "team-write", "clone", "acme/tiny", "bobs-second"]);
    expect(again.code).toBe(0);
    expect(again.progress.some((line) => /^clone: .*\d/.test(line))).toBe(true);
    expect(again.stdout).toMatch(/^clone: acme\/tiny@\w{7} → .*bobs-second \(✓ healthy\)/);

    // His workspace there, pushed with his Hub token there: the local command's envelope.
    const push = await whet(["--remote", "team-write", "push", "bobs-tiny", "acme/bobs-tiny", "--create", "--json"]);
    expect(push.json).toMatchObject({ status: "success", command: "push", data: { created_repo: true, private: true, commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    expect(push.stdout).not.toContain(HUB_WRITE);

    // A prompt goes to the remote's OpenAI API with the token: the reply streams back.
    const reply = await whet(["--remote", "team-write", "run", "shared-model", "Hi", "--max-tokens", "3", "--temperature", "0", "--json"]);
    expect(reply.json).toMatchObject({ status: "success", command: "run", data: { model: "shared-model", tokens_generated: 3, finish_reason: "length" } });

    const jobs = await whet(["--remote", "team-write", "jobs", "--json"]);
    expect(jobs.json?.data.jobs).toEqual([
      expect.objectContaining({ kind: "push", state: "succeeded", owner: "bob" }),
      expect.objectContaining({ kind: "clone", state: "succeeded", owner: "bob", title: expect.stringContaining("bobs-second") }),
      expect.objectContaining({ kind: "clone", state: "succeeded", owner: "bob" }),
    ]);
  });

  it("sends nothing to a server whose certificate is not the pinned one, and takes WHET_URL + WHET_TOKEN from the environment of the real binary", async () => {
    const wrong = "AA:".repeat(31) + "AA";
    // Checked when added: nothing saved for a certificate that is not the pinned one, nor for a refused token.
    const checked = await whet(["remote", "add", "imposter", url, "--token", tokens.unused, "--fingerprint", wrong, "--json"]);
    expect(checked.json?.error).toMatchObject({ type: "fingerprint_mismatch" });
    const bogus = await whet(["remote", "add", "bogus", url, "--token", "wht_not_a_real_token", "--fingerprint", fingerprint, "--json"]);
    expect(bogus.json?.error).toMatchObject({ type: "token_refused", http_status: 401 });
    const saved = Object.keys((JSON.parse(await readFile(join(root, "cli-home", "remotes.json"), "utf8")) as { remotes: object }).remotes);
    expect(saved).toContain("team");
    expect(saved).not.toContain("imposter");
    expect(saved).not.toContain("bogus");
    // A token over plain HTTP to another machine is refused before any connection is made.
    const plain = await whet(["remote", "add", "lan", "http://whetstone.example:3100", "--token", "wht_x", "--json"]);
    expect(plain.json?.error).toMatchObject({ type: "insecure_remote", hint: expect.stringContaining("--tls") });
    // Saved unchecked (--offline), it is refused at use, still before the token is sent.
    expect((await whet(["remote", "add", "imposter", url, "--token", tokens.unused, "--fingerprint", wrong, "--offline"])).code).toBe(0);
    const refused = await whet(["--remote", "imposter", "list", "--json"]);
    expect(refused.json?.error).toMatchObject({ type: "fingerprint_mismatch", message: expect.stringContaining(fingerprint) });
    expect(services.auth.tokens.list().find((t) => t.id === tokens.unusedId)?.lastUsedAt).toBeNull();

    const env = { WHET_HOME: join(root, "env-home"), WHET_URL: url, WHET_TOKEN: tokens.write, WHET_FINGERPRINT: fingerprint, HF_TOKEN: "", WHET_REMOTE: "" };
    const result = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), "list", "--all", "--json"], { env, reject: false });
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as { data: { models: { display_name: string }[] } }).data.models.map((m) => m.display_name).sort()).toEqual(["bobs-second", "bobs-tiny", "shared-model"]);
  });
});
