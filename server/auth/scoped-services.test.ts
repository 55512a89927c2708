import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeModel } from "../../lib/factory/make-model";
import { newSentinel, readSentinel, writeSentinel } from "../../lib/workspace/sentinel";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { POST as chatCompletions } from "../../app/v1/chat/completions/route";
import { POST as trpcPost } from "../../app/api/trpc/[trpc]/route";
import { teamRequest, useTeam } from "../testing/team-access";
import { configForUser } from "./hub-config";

const tempDir = useTempDirs();
const team = useTeam(tempDir);
const HF = "hf_BobsOwnTokenAbcdefghij0123";

describe("ownership, quotas and Hub tokens in team mode", () => {
  it("records who started a job; members change only their own, admins any; every step is audited", async () => {
    const { as, config, people, services } = await team({ quotas: { concurrentJobs: 5, chatPerMinute: 30 } });
    await makeModel({ dir: join(config.workspaceRoot, "tiny"), seed: 3 });
    const job = await as("bob").operations.start({ kind: "verify-load", spec: "tiny" });
    // Stored by account id; shown by name.
    expect(services.jobs.get(job.id)?.owner).toBe(people.bob.id);
    expect(job).toMatchObject({ owner: "bob", state: "queued" });
    expect((await as("vic").operations.list()).map((j) => [j.id, j.owner])).toEqual([[job.id, "bob"]]);

    await expect(as("cat").operations.cancel({ id: job.id })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("was started by another user") });
    await expect(as("cat").operations.pause({ id: job.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await as("ada").operations.cancel({ id: job.id })).toMatchObject({ state: "cancelled" });

    const audit = services.auth.audit.list().reverse();
    expect(audit.map((e) => [e.user, e.action, e.target, e.result])).toEqual([
      ["bob", "verify-load", "tiny", "ok"],
      ["cat", "job.cancel", job.id, "failed"],
      ["cat", "job.pause", job.id, "failed"],
      ["ada", "job.cancel", job.id, "ok"],
    ]);
    expect(audit[0]).toMatchObject({ address: "192.168.1.7", at: "2026-03-02T09:00:00.000Z" });
    expect(audit[1]?.detail).toContain("was started by another user");
  });

  it("a workspace a job creates records its creator: other members may not push it, its creator and admins may", async () => {
    const { as, config, people, services } = await team({ quotas: { concurrentJobs: 5, chatPerMinute: 30 } });
    await makeModel({ dir: join(config.workspaceRoot, "tiny"), seed: 4 });
    const job = await as("bob").operations.start({ kind: "repair", source: "tiny", name: "bobs", mode: "repair-index" });
    await services.jobs.idle();
    expect(services.jobs.get(job.id)?.state).toBe("succeeded");
    expect(await readSentinel(join(config.workspaceRoot, "bobs"))).toMatchObject({ created_by: people.bob.id });
    const push = { kind: "push" as const, workspace: "bobs", repo: "bob/bobs", dryRun: true };
    await expect(as("cat").operations.start(push)).rejects.toMatchObject({ code: "FORBIDDEN", message: "bobs was created by another user, so only they or an admin can push it" });
    // A workspace made outside the app (the machine owner's) is not a member's to publish either.
    await expect(as("bob").operations.start({ ...push, workspace: "tiny" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await as("bob").operations.start(push)).toMatchObject({ kind: "push", owner: "bob" });
    expect(await as("ada").operations.start({ ...push, repo: "ada/bobs" })).toMatchObject({ kind: "push", owner: "ada" });
    await services.jobs.idle();
  });

  it("a workspace is renamed or deleted by its creator or an admin only, never while a job uses it, and every try is audited", async () => {
    const { as, config, people, services } = await team({ quotas: { concurrentJobs: 5, chatPerMinute: 30 } });
    for (const [name, creator] of [["bobs", people.bob.id], ["machine", null]] as const) {
      await makeModel({ dir: join(config.workspaceRoot, name), seed: 5 });
      await writeSentinel(join(config.workspaceRoot, name), newSentinel({ operation: "clone", sourceRepo: "acme/tiny", sourceRevision: null, extra: creator ? { created_by: creator } : {} }));
    }
    await expect(as("vic").models.rename({ name: "bobs", to: "x" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("needs the member role") });
    await expect(as("cat").models.rename({ name: "bobs", to: "x" })).rejects.toMatchObject({ code: "FORBIDDEN", message: "bobs was created by another user, so only they or an admin can rename it" });
    await expect(as("cat").models.remove({ name: "bobs" })).rejects.toMatchObject({ code: "FORBIDDEN", message: "bobs was created by another user, so only they or an admin can delete it" });
    await expect(as("bob").models.remove({ name: "machine" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as("bob").models.rename({ name: "bobs", to: "machine" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "A workspace called machine already exists" });
    await expect(as("bob").models.rename({ name: "bobs", to: "../out" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const chat = services.chats.createConversation({ model: "bobs", owner: "someone" });
    expect(await as("bob").models.rename({ name: "bobs", to: "bobs-2" })).toMatchObject({ to: "bobs-2", path: join(config.workspaceRoot, "bobs-2") });
    // Conversations on it follow it to its new name.
    expect(services.chats.getConversation(chat.id).conversation.model).toBe("bobs-2");
    // A queued job would lose its folder.
    await as("ada").operations.start({ kind: "verify-load", spec: "bobs-2" });
    await expect(as("ada").models.remove({ name: "bobs-2" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("is in use by the job") });
    for (const job of services.jobs.list()) await as("ada").operations.cancel({ id: job.id });
    expect(await as("ada").models.remove({ name: "bobs-2" })).toMatchObject({ name: "bobs-2" });
    expect((await as("vic").models.list()).map((m) => m.name)).toEqual(["machine"]);

    const audit = services.auth.audit.list().reverse().filter((e) => e.action.startsWith("workspace."));
    expect(audit.map((e) => [e.user, e.action, e.target, e.result])).toEqual([
      ["vic", "workspace.rename", "bobs → x", "denied"],
      ["cat", "workspace.rename", "bobs → x", "failed"],
      ["cat", "workspace.delete", "bobs", "failed"],
      ["bob", "workspace.delete", "machine", "failed"],
      ["bob", "workspace.rename", "bobs → machine", "failed"],
      ["bob", "workspace.rename", "bobs → ../out", "failed"],
      ["bob", "workspace.rename", "bobs → bobs-2", "ok"],
      ["ada", "workspace.delete", "bobs-2", "failed"],
      ["ada", "workspace.delete", "bobs-2", "ok"],
    ]);
  });

  it("keeps conversations private to their owner, admins included", async () => {
    const { as } = await team();
    const mine = await as("bob").chat.create({ model: "talker" });
    expect((await as("bob").chat.conversations({})).map((c) => c.id)).toEqual([mine.id]);
    for (const other of ["cat", "ada", "vic"] as const) {
      expect(await as(other).chat.conversations({})).toEqual([]);
      await expect(as(other).chat.conversation({ id: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: `No conversation ${mine.id}` });
      await expect(as(other).chat.send({ conversationId: mine.id, content: "hi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(as(other).chat.remove({ id: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await as("bob").chat.send({ conversationId: mine.id, content: "hello" });
    expect((await as("bob").chat.conversation({ id: mine.id })).messages.map((m) => m.content)).toEqual(["hello"]);
  });

  it("answers 429 with Retry-After past a user's concurrent jobs or chat requests per minute", async () => {
    const { as, config, clock, services, people } = await team({ quotas: { concurrentJobs: 1, chatPerMinute: 3 } });
    await makeModel({ dir: join(config.workspaceRoot, "one"), seed: 4 });
    await makeModel({ dir: join(config.workspaceRoot, "two"), seed: 5 });
    await as("bob").operations.start({ kind: "verify-load", spec: "one" });
    await expect(as("bob").operations.start({ kind: "verify-load", spec: "two" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "bob already has 1 jobs queued or running, the most one user may",
    });
    // Another member has their own allowance.
    await as("cat").operations.start({ kind: "verify-load", spec: "two" });
    const { token } = services.auth.tokens.create({ userId: people.bob.id, name: "cli", scopes: ["read", "chat", "write"] });
    const overHttp = await trpcPost(
      teamRequest("/api/trpc/operations.start", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ json: { kind: "verify-load", spec: "two" } }) }),
    );
    expect(overHttp.status).toBe(429);
    expect(overHttp.headers.get("retry-after")).toBe("60");

    const ask = () =>
      chatCompletions(teamRequest("/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }) }));
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(404);
    clock.advance(20_000);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("40");
    expect(((await refused.json()) as { error: { message: string; hint: string } }).error).toMatchObject({
      message: "bob has made 3 chat requests in the last minute, the most one user may",
      hint: "Wait 40 seconds and try again; an admin can raise the limit with WHET_QUOTA_CHAT_PER_MINUTE.",
    });
    // The browser's chat counts against the same allowance.
    const conversation = await as("bob").chat.create({ model: "one" });
    await expect(as("bob").chat.reply({ conversationId: conversation.id })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    clock.advance(40_000);
    expect((await ask()).status).toBe(404);
  });

  it("keeps each user's Hub token sealed, out of every answer, and uses it for their own Hub requests", async () => {
    const { as, config, services, people } = await team();
    await as("bob").account.setHubToken({ token: HF });
    await expect(as("bob").account.setHubToken({ token: "hf_x" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("starts with hf_") });
    const answers = JSON.stringify([await as("bob").account.hubToken(), await as("ada").admin.users(), await as("bob").account.me()]);
    expect(answers).toContain('"storedAt"');
    expect(answers).not.toContain(HF.slice(3));
    const rows = JSON.stringify(services.db.prepare("SELECT * FROM user_hub_tokens").all());
    expect(rows).not.toContain(HF.slice(3));
    expect(services.auth.audit.list({ user: "bob" }).map((e) => [e.action, e.result])).toEqual([
      ["account.hub-token", "failed"],
      ["account.hub-token", "ok"],
    ]);
    expect(JSON.stringify(services.auth.audit.list())).not.toContain(HF.slice(3));

    const withServerToken = { ...config, token: "hf_OwnersMachineToken000000" };
    expect(configForUser(withServerToken, services.auth, people.bob.id).token).toBe(HF);
    // A member without their own token does not borrow the machine owner's; an admin may.
    expect(configForUser(withServerToken, services.auth, people.cat.id).token).toBeNull();
    expect(configForUser(withServerToken, services.auth, people.ada.id).token).toBe("hf_OwnersMachineToken000000");
    await as("bob").account.clearHubToken();
    expect(configForUser(withServerToken, services.auth, people.bob.id).token).toBeNull();
  });
});
