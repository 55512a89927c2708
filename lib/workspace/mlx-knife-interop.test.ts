import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repairModel } from "../convert/repair-model";
import { makeModel } from "../factory/make-model";
import { runMlxKnife } from "../testing/mlx-knife";
import { useTempDirs } from "../testing/temp-dir";
import { isWorkspaceClean } from "./content-hash";
import { readSentinel } from "./sentinel";

const tempDir = useTempDirs();

const CHECK = [
  "import json, sys",
  "from pathlib import Path",
  "from mlxk2.operations.workspace import is_managed_workspace, is_workspace_clean",
  "p = Path(sys.argv[1])",
  "clean, current, stored = is_workspace_clean(p)",
  "print(json.dumps({'managed': is_managed_workspace(p), 'clean': clean, 'current': current, 'stored': stored}))",
].join("\n");

describe("mlx-knife reads Whetstone's workspaces", () => {
  it("as managed, with a content_hash v2 it accepts as clean, and notices a change as we do", async () => {
    const root = await tempDir();
    const source = join(root, "broken");
    await makeModel({ dir: source, shards: 3, defects: ["index-missing-shards"] });
    const target = join(root, "fixed");
    const result = await repairModel({ source, target, mode: "repair-index", roots: { hubCache: join(root, "hf", "hub"), hfHome: join(root, "hf") } });
    expect(result.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);

    const seen = JSON.parse((await runMlxKnife(["-c", CHECK, target])).stdout) as Record<string, unknown>;
    expect(seen).toEqual({ managed: true, clean: true, current: result.contentHash, stored: result.contentHash });

    const health = JSON.parse((await runMlxKnife(["-m", "mlxk2.cli", "health", target, "--json"])).stdout) as {
      data: { healthy: { managed: boolean; reason: string }[] };
    };
    expect(health.data.healthy).toEqual([{ name: target, status: "healthy", reason: "Multi-file model complete", managed: true }]);

    const sentinel = (await readSentinel(target))!;
    expect(await isWorkspaceClean(target, sentinel)).toBe(true);
    await appendFile(join(target, "README.md"), "\nedited\n");
    expect(await isWorkspaceClean(target, sentinel)).toBe(false);
    const after = JSON.parse((await runMlxKnife(["-c", CHECK, target])).stdout) as { clean: boolean };
    expect(after.clean).toBe(false);
  });
});
