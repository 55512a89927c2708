import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commit, createRepo, downloadFile, modelInfo } from "@huggingface/hub";
import { execa, type ResultPromise } from "execa";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const tempDir = useTempDirs();

function start(root: string): { child: ResultPromise; ready: Promise<{ url: string; token: string; user: string }> } {
  const child = execa(join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["scripts/hub-fixture.ts", "--root", root], { cwd: PROJECT_ROOT, reject: false });
  const ready = new Promise<{ url: string; token: string; user: string }>((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("\n")) resolve(JSON.parse(seen.split("\n")[0] ?? "") as { url: string; token: string; user: string });
    });
    child.once("exit", () => reject(new Error(`hub-fixture exited before printing its URL: ${seen}`)));
  });
  return { child, ready };
}

describe("scripts/hub-fixture.ts", () => {
  it("serves a folder of repos, takes pushes, and still has them after a restart", async () => {
    const root = await tempDir();
    await mkdir(join(root, "acme", "tiny"), { recursive: true });
    await writeFile(join(root, "acme", "tiny", "config.json"), '{"model_type": "llama"}\n');

    const first = start(root);
    const { url, token, user } = await first.ready;
    expect(user).toBe("demo-user");
    expect(await modelInfo({ name: "acme/tiny", hubUrl: url, additionalFields: ["sha"] })).toMatchObject({ name: "acme/tiny" });
    await createRepo({ repo: "demo-user/pushed", hubUrl: url, accessToken: token });
    const pushed = await commit({
      repo: "acme/tiny",
      hubUrl: url,
      accessToken: token,
      title: "add notes",
      useXet: false,
      operations: [{ operation: "addOrUpdate", path: "notes.md", content: new Blob(["pushed\n"]) }],
    });
    first.child.kill("SIGTERM");
    expect((await first.child).exitCode).toBe(0);

    const second = start(root);
    const again = await second.ready;
    try {
      expect((await modelInfo({ name: "acme/tiny", hubUrl: again.url, additionalFields: ["sha"] })).sha).toBe(pushed?.commit.oid);
      expect(await (await downloadFile({ repo: "acme/tiny", path: "notes.md", hubUrl: again.url }))?.text()).toBe("pushed\n");
      expect(await modelInfo({ name: "demo-user/pushed", hubUrl: again.url })).toMatchObject({ name: "demo-user/pushed" });
    } finally {
      second.child.kill("SIGTERM");
      await second.child;
    }
  });
});
