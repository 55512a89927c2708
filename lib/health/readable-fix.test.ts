import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { checkModel } from "./check-model";
import { fixLine, readableFindings, readableFix } from "./readable-fix";

const tempDir = useTempDirs();

describe("readableFindings", () => {
  it("names a workspace by its name and gives a command two findings share once", async () => {
    const home = await tempDir();
    const workspaceRoot = join(home, ".local", "share", "whetstone", "workspaces");
    const dir = join(workspaceRoot, "tiny");
    await makeModel({ dir, seed: 2, defects: ["eos-token-id-null", "video-processor-null", "tokenizer-json-missing"] });
    const report = await checkModel(dir);
    const findings = readableFindings(report.findings, { path: dir, kind: "workspace", name: "tiny", workspaceRoot, home });
    const commands = findings.filter((f) => f.repair);
    expect(commands.length).toBeGreaterThanOrEqual(2);
    expect(commands[0]).toMatchObject({ hint: "whet convert tiny tiny-fixed --repair-config", sameAs: null });
    for (const later of commands.slice(1)) expect(fixLine(later)).toBe(`the same as for ${commands[0]?.id} above`);
    expect(findings.find((f) => !f.repair)?.sameAs).toBeNull();
    expect(JSON.stringify(findings)).not.toContain(home);
  });

  it("repairs a cache model with whet repair ORG/NAME, names any other folder by its path with ~, quoted where a shell needs it", () => {
    const home = "/home/ana";
    const snapshot = `${home}/.cache/huggingface/hub/models--acme--tiny/snapshots/0123abcd`;
    const workspaceRoot = `${home}/ws`;
    const hint = (dir: string) => `whet convert ${dir} ${dir}-fixed --repair-index`;
    expect(readableFix(hint(snapshot), { path: snapshot, kind: "cache", name: "acme/tiny", workspaceRoot, home })).toBe("whet repair acme/tiny");
    expect(readableFix(`Remove the stray shard in ${snapshot}`, { path: snapshot, kind: "cache", name: "acme/tiny", workspaceRoot, home })).toBe("Remove the stray shard in acme/tiny");
    const mine = `${home}/my models/x`;
    expect(readableFix(hint(mine), { path: mine, kind: "workspace", name: mine, workspaceRoot, home })).toBe("whet convert ~/'my models/x' ~/'my models/x-fixed' --repair-index");
    expect(readableFix(hint("/srv/m"), { path: "/srv/m", kind: "workspace", name: "/srv/m", workspaceRoot, home })).toBe("whet convert /srv/m /srv/m-fixed --repair-index");
    // A folder nested below the workspace root is not a workspace name.
    const nested = `${workspaceRoot}/a/b`;
    expect(readableFix(hint(nested), { path: nested, kind: "workspace", name: nested, workspaceRoot, home })).toBe("whet convert ~/ws/a/b ~/ws/a/b-fixed --repair-index");
  });
});
