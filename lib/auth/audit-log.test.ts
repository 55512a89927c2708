import { describe, expect, it } from "vitest";
import { openAppDatabase } from "../store/app-database";
import { useTempDirs } from "../testing/temp-dir";
import { openAuditLog } from "./audit-log";

const tempDir = useTempDirs();

describe("audit log", () => {
  it("records who, when, where, what and how it ended, and filters by user, action family, result and time", async () => {
    let t = Date.parse("2026-03-01T09:00:00Z");
    const audit = openAuditLog(openAppDatabase(await tempDir()), () => t);
    audit.record({ user: "ada", address: "10.0.0.1", action: "login", target: "ada", result: "ok" });
    t += 60_000;
    audit.record({ user: "bob", address: "10.0.0.2", action: "user.add", target: "carol", result: "denied", detail: "This needs the admin role." });
    t += 60_000;
    audit.record({ user: "ada", address: "10.0.0.1", action: "user.add", target: "carol", result: "ok" });
    audit.record({ user: "ada", address: "10.0.0.1", action: "user_add_like", target: "x".repeat(1000), result: "failed" });

    expect(audit.list().map((e) => e.action)).toEqual(["user_add_like", "user.add", "user.add", "login"]);
    expect(audit.list()[0]?.target).toHaveLength(300);
    expect(audit.list({ user: "BOB" })).toEqual([
      { id: 2, at: "2026-03-01T09:01:00.000Z", user: "bob", address: "10.0.0.2", action: "user.add", target: "carol", result: "denied", detail: "This needs the admin role." },
    ]);
    expect(audit.list({ action: "user" }).map((e) => e.id)).toEqual([3, 2]);
    expect(audit.list({ action: "user_" })).toEqual([]);
    expect(audit.list({ result: "ok" }).map((e) => e.id)).toEqual([3, 1]);
    expect(audit.list({ since: "2026-03-01T09:00:30Z", until: "2026-03-01T09:01:30Z" }).map((e) => e.id)).toEqual([2]);
    expect(audit.list({ limit: 1 }).map((e) => e.id)).toEqual([4]);
  });
});
