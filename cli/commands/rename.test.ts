import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSentinel, readSentinel, writeSentinel } from "../../lib/workspace/sentinel";
import { runWhet } from "../testing/run-whet";

let root: string;
const saved = { ...process.env };
const workspaces = () => join(root, "whet", "workspaces");

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-rename-"));
  // runCli reads its configuration from the environment once, at the first command.
  Object.assign(process.env, { WHET_HOME: join(root, "whet"), HF_HOME: join(root, "hf"), HF_HUB_CACHE: "", WHET_WORKSPACES: "" });
  for (const [name, extra] of [["base", {}], ["base-4bit", { source_path: join(workspaces(), "base") }]] as const) {
    await mkdir(join(workspaces(), name), { recursive: true });
    await writeSentinel(join(workspaces(), name), newSentinel({ operation: "convert", sourceRepo: "acme/tiny", sourceRevision: null, extra }));
  }
});
afterAll(async () => {
  process.env = saved;
  await rm(root, { recursive: true, force: true });
});

const whet = runWhet;

describe("whet rename", () => {
  it("renames a workspace, keeps its children's lineage, and refuses a name in use with exit 1", async () => {
    const renamed = await whet(["rename", "base", "base-v2"]);
    expect(renamed).toMatchObject({ code: 0, stdout: "rename: base → base-v2 (base-4bit now records it as its source)\n" });
    expect((await readSentinel(join(workspaces(), "base-4bit")))?.source_path).toBe(join(workspaces(), "base-v2"));
    const taken = await whet(["rename", "base-v2", "base-4bit", "--json"]);
    expect(taken.code).toBe(1);
    expect(JSON.parse(taken.stdout)).toMatchObject({ status: "error", error: { type: "workspace_exists", message: "A workspace called base-4bit already exists" } });
    expect((await whet(["rename", "base-v2"])).code).toBe(2);
    expect((await readdir(workspaces())).sort()).toEqual(["base-4bit", "base-v2"]);
  });
});
