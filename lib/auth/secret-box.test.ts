import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openAppDatabase } from "../store/app-database";
import { useTempDirs } from "../testing/temp-dir";
import { openHubTokenStore } from "./hub-token-store";
import { openSecretBox } from "./secret-box";
import { openUserStore } from "./user-store";

const tempDir = useTempDirs();
const HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123";

describe("secrets at rest", () => {
  it("keeps the key in its own 0600 file and the Hub token encrypted in the database, bound to its user", async () => {
    const dir = await tempDir();
    const db = openAppDatabase(dir);
    const users = openUserStore(db);
    const [bob, eve] = [await users.add({ name: "bob", role: "member", password: "bobs password" }), await users.add({ name: "eve", role: "member", password: "eves password" })];
    const keyPath = join(dir, "secret.key");
    const hubTokens = openHubTokenStore(db, openSecretBox(keyPath));

    hubTokens.set(bob.id, HF);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect((await readFile(keyPath, "utf8")).trim()).toMatch(/^[0-9a-f]{64}$/);
    db.pragma("wal_checkpoint(TRUNCATE)");
    expect((await readFile(join(dir, "whetstone.sqlite"))).includes(Buffer.from(HF.slice(3)))).toBe(false);
    expect(hubTokens.get(bob.id)).toBe(HF);
    expect(hubTokens.storedAt(bob.id)).toMatch(/^\d{4}-/);
    expect(hubTokens.get(eve.id)).toBeNull();

    // The sealed value copied to another user's row does not open.
    db.prepare("INSERT INTO user_hub_tokens (user_id, sealed, updated_at) SELECT ?, sealed, updated_at FROM user_hub_tokens WHERE user_id = ?").run(eve.id, bob.id);
    expect(() => hubTokens.get(eve.id)).toThrow(expect.objectContaining({ code: "secret_unreadable" }));
    // Another key does not open it either.
    await writeFile(keyPath, "ab".repeat(32));
    expect(() => openHubTokenStore(db, openSecretBox(keyPath)).get(bob.id)).toThrow(expect.objectContaining({ code: "secret_unreadable" }));

    expect(() => hubTokens.set(bob.id, "not a token")).toThrow(/starts with hf_/);
    hubTokens.clear(bob.id);
    expect(hubTokens.get(bob.id)).toBeNull();
  });

  it("refuses a key file other users can read", async () => {
    const keyPath = join(await tempDir(), "secret.key");
    openSecretBox(keyPath).seal("x", "y");
    await chmod(keyPath, 0o644);
    expect(() => openSecretBox(keyPath).seal("x", "y")).toThrow(expect.objectContaining({ code: "secret_key_unsafe", hint: expect.stringContaining(`chmod 600 ${keyPath}`) }));
  });
});
