import { describe, expect, it } from "vitest";
import { openAppDatabase } from "../store/app-database";
import { useTempDirs } from "../testing/temp-dir";
import { openSessionStore } from "./session-store";
import { openUserStore } from "./user-store";

const tempDir = useTempDirs();
const MINUTE = 60_000;

describe("session store", () => {
  it("ends a session after the idle time, keeps a used one alive up to its maximum age, and stores ids hashed", async () => {
    const db = openAppDatabase(await tempDir());
    let t = Date.parse("2026-03-01T09:00:00Z");
    const now = () => t;
    const ada = await openUserStore(db, now).add({ name: "ada", role: "admin", password: "first password" });
    const sessions = openSessionStore(db, { idleMs: 30 * MINUTE, maxAgeMs: 120 * MINUTE }, now);

    const { id } = sessions.create(ada.id, "192.168.1.20");
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = db.prepare("SELECT id_hash FROM sessions").all() as { id_hash: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id_hash).not.toContain(id);

    // Used every 29 minutes, it lives on, until the maximum age.
    for (let i = 0; i < 4; i++) {
      t += 29 * MINUTE;
      expect(sessions.lookup(id)).toMatchObject({ userId: ada.id });
    }
    t += 5 * MINUTE;
    expect(sessions.lookup(id)).toBeNull();

    // Left alone past the idle time, it ends, and stays ended.
    const idle = sessions.create(ada.id, "192.168.1.20").id;
    t += 30 * MINUTE + 1;
    expect(sessions.lookup(idle)).toBeNull();
    t -= 30 * MINUTE;
    expect(sessions.lookup(idle)).toBeNull();

    expect(sessions.lookup("not-a-session")).toBeNull();
  });

  it("revokes one session, or all of a user's but the current one", async () => {
    const db = openAppDatabase(await tempDir());
    const ada = await openUserStore(db).add({ name: "ada", role: "admin", password: "first password" });
    const sessions = openSessionStore(db, { idleMs: 30 * MINUTE, maxAgeMs: 120 * MINUTE });
    const [a, b, c] = [sessions.create(ada.id, "x").id, sessions.create(ada.id, "y").id, sessions.create(ada.id, "z").id];
    sessions.revoke(a);
    expect(sessions.lookup(a)).toBeNull();
    sessions.revokeAll(ada.id, b);
    expect(sessions.lookup(b)).not.toBeNull();
    expect(sessions.lookup(c)).toBeNull();
  });
});
