import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startHubFixture } from "../../lib/hub-fixture/start-hub-fixture";
import { makePushWorkspace } from "../../lib/push/test-support/push-workspace-fixture";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);
const WRITE = "hf_routerwritetoken0123456789";

async function setup(token: string | null = WRITE) {
  const hub = await startHubFixture({ writeTokens: [WRITE], user: { orgs: ["acme"] } });
  onTestFinished(() => hub.close());
  const test = await testServices({ endpoint: hub.url, token });
  await makePushWorkspace(join(test.config.workspaceRoot, "tiny"), { seed: 51 });
  return { hub, ...test };
}

describe("push through the app's router", () => {
  it("names the owner from whoami, previews the push, pushes a workspace by name, and the workspace shows where it went", async () => {
    const { call, services } = await setup();
    expect(await call.hub.whoami()).toEqual({ name: "fixture-user", orgs: ["acme"], canWrite: true });

    const preview = await call.operations.start({ kind: "push", workspace: "tiny", repo: "acme/tiny", dryRun: true });
    expect(preview).toMatchObject({ kind: "push", title: "Preview push of tiny to acme/tiny" });
    await services.jobs.idle();
    const previewed = await call.operations.get({ id: preview.id });
    if (previewed?.kind !== "push") throw new Error("wrong kind");
    expect(previewed.result).toMatchObject({ dry_run: true, would_create_repo: true, health: { healthy: true, would_refuse: false } });
    expect(previewed.result?.added_files).toContain("data/big.dat");

    const job = await call.operations.start({ kind: "push", workspace: "tiny", repo: "acme/tiny", message: "First upload" });
    await services.jobs.idle();
    const pushed = await call.operations.get({ id: job.id });
    if (pushed?.kind !== "push") throw new Error("wrong kind");
    expect(pushed.state).toBe("succeeded");
    expect(pushed.result).toMatchObject({ created_repo: true, private: true, commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/) });

    // Nothing the browser can read carries the token: jobs (input, progress, result), whoami, the workspace.
    expect(JSON.stringify([await call.operations.list(), await call.hub.whoami()])).not.toContain(WRITE);

    const model = await call.models.get({ spec: "tiny" });
    expect(model.published).toEqual({
      repo: "acme/tiny",
      branch: "main",
      commit: pushed.result?.commit_sha,
      url: pushed.result?.commit_url,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(model)).not.toContain(WRITE);
  });

  it("takes workspaces by name only, and says which is missing", async () => {
    const { call } = await setup();
    await expect(call.operations.start({ kind: "push", workspace: "../tiny", repo: "acme/tiny" })).rejects.toThrow(/no slashes/);
    await expect(call.operations.start({ kind: "push", workspace: "/etc", repo: "acme/tiny" })).rejects.toThrow(/no slashes/);
    await expect(call.operations.start({ kind: "push", workspace: "nope", repo: "acme/tiny" })).rejects.toMatchObject({ cause: { code: "workspace_not_found" } });
    await expect(call.operations.start({ kind: "push", workspace: "tiny", repo: "not a repo" })).rejects.toThrow(/org\/name/);
  });

  it("has no owner to offer without a token", async () => {
    const { call } = await setup(null);
    expect(await call.hub.whoami()).toBeNull();
  });
});
