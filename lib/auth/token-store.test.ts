import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openAppDatabase } from "../store/app-database";
import { useTempDirs } from "../testing/temp-dir";
import { openTokenStore } from "./token-store";
import { openUserStore } from "./user-store";

const tempDir = useTempDirs();

describe("API tokens", () => {
  it("returns the token once, stores only its SHA-256, records its last use, and stops it at once when revoked", async () => {
    const db = openAppDatabase(await tempDir());
    let t = Date.parse("2026-03-01T09:00:00Z");
    const now = () => t;
    const bob = await openUserStore(db, now).add({ name: "bob", role: "member", password: "bobs password" });
    const tokens = openTokenStore(db, now);

    const { token, record } = tokens.create({ userId: bob.id, name: "laptop", scopes: ["read", "chat", "chat"] });
    expect(token).toMatch(/^whet_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ name: "laptop", userName: "bob", scopes: ["read", "chat"], lastUsedAt: null, revokedAt: null, prefix: `${token.slice(0, 9)}…` });
    const stored = JSON.stringify(db.prepare("SELECT * FROM api_tokens").all());
    expect(stored).not.toContain(token.slice(5));
    expect(stored).toContain(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(tokens.list())).not.toContain(token.slice(9));

    t += 5_000;
    expect(tokens.verify(token)).toMatchObject({ id: record.id, lastUsedAt: "2026-03-01T09:00:05.000Z" });
    t += 60_000;
    tokens.verify(token);
    expect(tokens.get(record.id)?.lastUsedAt).toBe("2026-03-01T09:01:05.000Z");
    expect(tokens.verify(`${token}x`)).toBeNull();
    expect(tokens.verify("hf_not_ours")).toBeNull();

    tokens.revoke(record.id);
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.list({ userId: bob.id })[0]?.revokedAt).toBe("2026-03-01T09:01:05.000Z");
    expect(() => tokens.revoke("nope")).toThrow(expect.objectContaining({ code: "token_not_found" }));
  });

  it("refuses a token without a name or scopes, in words", async () => {
    const db = openAppDatabase(await tempDir());
    const bob = await openUserStore(db).add({ name: "bob", role: "member", password: "bobs password" });
    const tokens = openTokenStore(db);
    expect(() => tokens.create({ userId: bob.id, name: " ", scopes: ["read"] })).toThrow(/Give the token a name/);
    expect(() => tokens.create({ userId: bob.id, name: "x", scopes: [] })).toThrow(/Choose at least one scope/);
    expect(() => tokens.create({ userId: bob.id, name: "x", scopes: ["root" as "read"] })).toThrow(/Choose scopes among/);
  });
});
