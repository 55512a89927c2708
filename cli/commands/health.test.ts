import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeModel } from "../../lib/factory/make-model";
import { runWhet } from "../testing/run-whet";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
let root: string;
const saved = { ...process.env };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-fixes-"));
  // runCli reads its configuration from the environment once, at the first command; ~ is this home.
  Object.assign(process.env, { HOME: root, WHET_HOME: join(root, "whet"), HF_HOME: join(root, "hf"), HF_HUB_CACHE: join(root, "hf", "hub"), WHET_WORKSPACES: "" });
  await makeModel({ dir: join(root, "whet", "workspaces", "tiny"), seed: 7, defects: ["eos-token-id-null", "video-processor-null"] });
  const repo = join(root, "hf", "hub", "models--acme--tiny");
  await makeModel({ dir: join(repo, "snapshots", COMMIT), seed: 8, defects: ["eos-token-id-null"] });
  await mkdir(join(repo, "refs"), { recursive: true });
  await writeFile(join(repo, "refs", "main"), COMMIT);
});
afterAll(async () => {
  process.env = saved;
  await rm(root, { recursive: true, force: true });
});

const whet = runWhet;

describe("whet health's fixes", () => {
  it("name each model as a person types it, print a shared command once, and every command it suggests is accepted", async () => {
    const health = await whet(["health"]);
    expect(health.code).toBe(0);
    // mlx-knife's status line names a workspace by its path; the fixes name it as one types it.
    const fixes = [...health.stdout.matchAll(/^ {4}fix: (.*)$/gm)].map((m) => m[1] as string);
    expect(fixes).toEqual(["whet convert tiny tiny-fixed --repair-config", "the same as for eos-token-id-null above", "whet repair acme/tiny"]);
    for (const command of new Set(fixes.filter((f) => f.startsWith("whet ")))) {
      const args = [...command.split(" ").slice(1), "--json", ...(command.startsWith("whet repair") ? ["--yes", "--no-verify"] : [])];
      const run = await whet(args);
      expect(run.code, `${command}\n${run.stdout}${run.stderr}`).toBe(0);
    }
    // The cache model's repair copied it beside the workspace of the same name and repaired the copy.
    for (const repaired of ["tiny-fixed", "tiny-fixed-2"]) {
      const after = await whet(["health", repaired, "--json"]);
      expect(JSON.parse(after.stdout), repaired).toMatchObject({ data: { summary: { healthy_count: 1 } } });
    }
  });
});
