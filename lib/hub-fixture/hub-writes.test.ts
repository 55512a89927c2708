import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { commit, createBranch, createRepo, downloadFile, listFiles, modelInfo, whoAmI } from "@huggingface/hub";
import { describe, expect, it, onTestFinished } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { gitBlobOid } from "./git-objects";
import { INITIAL_GITATTRIBUTES } from "./hub-writer";
import { startHubFixture, type HubFixture, type HubFixtureOptions } from "./start-hub-fixture";

const tempDir = useTempDirs();
const READ = "hf_readonlytoken0123456789";
const WRITE = "hf_writetoken0123456789";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function serve(options: HubFixtureOptions = {}): Promise<{ hub: HubFixture; hubUrl: string }> {
  const hub = await startHubFixture({ tokens: [READ], writeTokens: [WRITE], user: { orgs: ["acme"] }, ...options });
  onTestFinished(() => hub.close());
  return { hub, hubUrl: hub.url };
}

async function head(hubUrl: string, repo: string, revision = "main"): Promise<string> {
  return (await modelInfo({ name: repo, hubUrl, accessToken: WRITE, revision, additionalFields: ["sha"] })).sha;
}

async function tree(hubUrl: string, repo: string, revision = "main") {
  const files = [];
  for await (const file of listFiles({ repo, hubUrl, accessToken: WRITE, revision, recursive: true })) if (file.type === "file") files.push(file);
  return files;
}

async function rawCommit(hubUrl: string, repo: string, lines: unknown[], branch = "main"): Promise<Response> {
  return fetch(`${hubUrl}/api/models/${repo}/commit/${branch}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${WRITE}`, "Content-Type": "application/x-ndjson" },
    body: lines.map((line) => JSON.stringify(line)).join("\n"),
  });
}

describe("Hub fixture write side with @huggingface/hub", () => {
  it("creates a repo, commits regular and LFS files in one commit, and serves them back", async () => {
    const { hub, hubUrl } = await serve();
    const created = await createRepo({ repo: "acme/pushed", hubUrl, accessToken: WRITE, visibility: "private" });
    expect(created).toMatchObject({ repoUrl: `${hubUrl}/acme/pushed` });
    await expect(createRepo({ repo: "acme/pushed", hubUrl, accessToken: WRITE })).rejects.toMatchObject({ statusCode: 409 });
    expect(await modelInfo({ name: "acme/pushed", hubUrl, accessToken: WRITE })).toMatchObject({ private: true });
    await expect(modelInfo({ name: "acme/pushed", hubUrl })).rejects.toMatchObject({ statusCode: 401 });
    const initial = await tree(hubUrl, "acme/pushed");
    expect(initial.map((f) => f.path)).toEqual([".gitattributes"]);

    const weights = randomBytes(300_000);
    const config = Buffer.from('{"model_type": "llama"}\n');
    const output = await commit({
      repo: "acme/pushed",
      hubUrl,
      accessToken: WRITE,
      title: "Add model",
      useXet: false,
      operations: [
        { operation: "addOrUpdate", path: "model.safetensors", content: new Blob([weights]) },
        { operation: "addOrUpdate", path: "nested/config.json", content: new Blob([config]) },
      ],
    });
    expect(output?.commit.oid).toBe(await head(hubUrl, "acme/pushed"));
    const files = await tree(hubUrl, "acme/pushed");
    expect(files.map((f) => [f.path, f.size, f.lfs?.oid ?? f.oid])).toEqual([
      [".gitattributes", INITIAL_GITATTRIBUTES.length, gitBlobOid(INITIAL_GITATTRIBUTES)],
      ["model.safetensors", weights.length, sha256(weights)],
      ["nested/config.json", config.length, gitBlobOid(config)],
    ]);
    const served = await downloadFile({ repo: "acme/pushed", path: "model.safetensors", hubUrl, accessToken: WRITE });
    expect(Buffer.from((await served?.arrayBuffer()) ?? new ArrayBuffer(0)).equals(weights)).toBe(true);
    const puts = hub.requests.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0]?.headers.authorization).toBeUndefined();

    // The same bytes under another name: the batch answer says the object is stored, so nothing is uploaded.
    await commit({
      repo: "acme/pushed",
      hubUrl,
      accessToken: WRITE,
      title: "Copy and delete",
      useXet: false,
      operations: [
        { operation: "addOrUpdate", path: "copy.safetensors", content: new Blob([weights]) },
        { operation: "delete", path: "nested/config.json" },
      ],
    });
    expect(hub.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect((await tree(hubUrl, "acme/pushed")).map((f) => f.path)).toEqual([".gitattributes", "copy.safetensors", "model.safetensors"]);
  });

  it("lets only tokens that may write create repos and push, and only in their namespaces", async () => {
    const { hubUrl } = await serve({ repos: [] });
    await createRepo({ repo: "acme/open", hubUrl, accessToken: WRITE, visibility: "public" });
    expect(await whoAmI({ hubUrl, accessToken: WRITE })).toMatchObject({
      name: "fixture-user",
      orgs: [expect.objectContaining({ name: "acme" })],
      auth: { accessToken: { role: "write" } },
    });
    expect(await whoAmI({ hubUrl, accessToken: READ })).toMatchObject({ auth: { accessToken: { role: "read" } } });

    await expect(createRepo({ repo: "acme/other", hubUrl, accessToken: READ })).rejects.toMatchObject({ statusCode: 403 });
    await expect(createRepo({ repo: "someone-else/model", hubUrl, accessToken: WRITE })).rejects.toMatchObject({ statusCode: 403 });
    expect(await createRepo({ repo: "fixture-user/mine", hubUrl, accessToken: WRITE })).toMatchObject({ repoUrl: `${hubUrl}/fixture-user/mine` });
    const push = (accessToken: string) =>
      commit({ repo: "acme/open", hubUrl, accessToken, title: "x", useXet: false, operations: [{ operation: "addOrUpdate", path: "a.txt", content: new Blob(["a"]) }] });
    await expect(push(READ)).rejects.toMatchObject({ statusCode: 403 });
    const anonymous = await fetch(`${hubUrl}/api/models/acme/open/preupload/main`, { method: "POST", body: JSON.stringify({ files: [] }) });
    expect(anonymous.status).toBe(401);
    expect((await tree(hubUrl, "acme/open")).map((f) => f.path)).toEqual([".gitattributes"]);
  });

  it("applies a commit whole or not at all, and refuses a stale parent", async () => {
    const { hubUrl } = await serve();
    await createRepo({ repo: "acme/atomic", hubUrl, accessToken: WRITE });
    const first = await head(hubUrl, "acme/atomic");
    const file = (path: string, text: string) => ({ key: "file", value: { path, content: Buffer.from(text).toString("base64"), encoding: "base64" } });
    const header = (parentCommit?: string) => ({ key: "header", value: { summary: "try", ...(parentCommit ? { parentCommit } : {}) } });

    const missingObject = await rawCommit(hubUrl, "acme/atomic", [
      header(),
      file("kept-out.txt", "never committed"),
      { key: "lfsFile", value: { path: "w.safetensors", algo: "sha256", oid: "a".repeat(64), size: 10 } },
    ]);
    expect(missingObject.status).toBe(422);
    const missingDelete = await rawCommit(hubUrl, "acme/atomic", [header(), file("kept-out.txt", "x"), { key: "deletedFile", value: { path: "nope.txt" } }]);
    expect(missingDelete.status).toBe(404);
    expect((await rawCommit(hubUrl, "acme/atomic", [header(), file("../escape", "x")])).status).toBe(400);
    expect((await rawCommit(hubUrl, "acme/atomic", [file("a.txt", "x")])).status).toBe(400);
    expect(await head(hubUrl, "acme/atomic")).toBe(first);

    const ok = await rawCommit(hubUrl, "acme/atomic", [header(first), file("a.txt", "one")]);
    expect(ok.status).toBe(200);
    const second = ((await ok.json()) as { commitOid: string }).commitOid;
    expect(await head(hubUrl, "acme/atomic")).toBe(second);
    const stale = await rawCommit(hubUrl, "acme/atomic", [header(first), file("a.txt", "two")]);
    expect(stale.status).toBe(412);
    expect(await head(hubUrl, "acme/atomic")).toBe(second);
  });

  it("creates branches and commits to them without moving main", async () => {
    const { hubUrl } = await serve();
    await createRepo({ repo: "acme/branchy", hubUrl, accessToken: WRITE });
    const main = await head(hubUrl, "acme/branchy");
    await createBranch({ repo: "acme/branchy", branch: "dev", hubUrl, accessToken: WRITE });
    await expect(createBranch({ repo: "acme/branchy", branch: "dev", hubUrl, accessToken: WRITE })).rejects.toMatchObject({ statusCode: 409 });
    expect(await head(hubUrl, "acme/branchy", "dev")).toBe(main);
    await commit({
      repo: "acme/branchy",
      hubUrl,
      accessToken: WRITE,
      branch: "dev",
      title: "on dev",
      useXet: false,
      operations: [{ operation: "addOrUpdate", path: "dev.txt", content: new Blob(["dev"]) }],
    });
    expect((await tree(hubUrl, "acme/branchy", "dev")).map((f) => f.path)).toEqual([".gitattributes", "dev.txt"]);
    expect(await head(hubUrl, "acme/branchy")).toBe(main);
    const toMissing = commit({
      repo: "acme/branchy",
      hubUrl,
      accessToken: WRITE,
      branch: "nope",
      title: "x",
      useXet: false,
      operations: [{ operation: "addOrUpdate", path: "x.txt", content: new Blob(["x"]) }],
    });
    await expect(toMissing).rejects.toMatchObject({ statusCode: 404 });
  });

  it("stores an LFS upload only when its bytes are the announced ones", async () => {
    const { hub, hubUrl } = await serve();
    await createRepo({ repo: "acme/lfs", hubUrl, accessToken: WRITE });
    const bytes = randomBytes(5000);
    const batch = async () => {
      const response = await fetch(`${hubUrl}/acme/lfs.git/info/lfs/objects/batch`, {
        method: "POST",
        headers: { Authorization: `Bearer ${WRITE}`, "Content-Type": "application/vnd.git-lfs+json" },
        body: JSON.stringify({ operation: "upload", transfers: ["basic"], objects: [{ oid: sha256(bytes), size: bytes.length }] }),
      });
      expect(response.headers.get("content-type")).toBe("application/vnd.git-lfs+json");
      return ((await response.json()) as { objects: { actions?: { upload: { href: string } } }[] }).objects[0];
    };
    const href = (await batch())?.actions?.upload.href ?? "";
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lfs-storage\/acme\/lfs\//);
    const corrupted = Buffer.from(bytes);
    corrupted[0] = (corrupted[0] as number) ^ 1;
    expect((await fetch(href, { method: "PUT", body: corrupted })).status).toBe(400);
    expect((await fetch(href.replace(/sig=\w+/, "sig=00"), { method: "PUT", body: bytes })).status).toBe(403);
    expect((await fetch(href, { method: "PUT", body: bytes.subarray(1) })).status).toBe(400);
    expect((await batch())?.actions).toBeDefined();
    expect((await fetch(href, { method: "PUT", body: bytes })).status).toBe(200);
    expect(await batch()).toEqual({ oid: sha256(bytes), size: bytes.length, authenticated: true });
    expect(hub.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([400, 403, 400, 200]);
  });

  it("keeps pushed repos, commits and branches across a restart when given a data folder", async () => {
    const dataDir = await tempDir();
    const first = await startHubFixture({ writeTokens: [WRITE], dataDir });
    const weights = randomBytes(20_000);
    await createRepo({ repo: "fixture-user/kept", hubUrl: first.url, accessToken: WRITE });
    await createBranch({ repo: "fixture-user/kept", branch: "dev", hubUrl: first.url, accessToken: WRITE });
    await commit({
      repo: "fixture-user/kept",
      hubUrl: first.url,
      accessToken: WRITE,
      title: "weights",
      useXet: false,
      operations: [{ operation: "addOrUpdate", path: "w.safetensors", content: new Blob([weights]) }],
    });
    const before = [await head(first.url, "fixture-user/kept"), await head(first.url, "fixture-user/kept", "dev")];
    await first.close();

    const { hubUrl } = await serve({ writeTokens: [WRITE], dataDir });
    expect([await head(hubUrl, "fixture-user/kept"), await head(hubUrl, "fixture-user/kept", "dev")]).toEqual(before);
    const served = await downloadFile({ repo: "fixture-user/kept", path: "w.safetensors", hubUrl, accessToken: WRITE });
    expect(Buffer.from((await served?.arrayBuffer()) ?? new ArrayBuffer(0)).equals(weights)).toBe(true);
    expect((await readFile(join(dataDir, "journal.jsonl"), "utf8")).trim().split("\n")).toHaveLength(3);
  });
});
