import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openAppDatabase } from "../store/app-database";
import { useTempDirs } from "../testing/temp-dir";
import { openChatStore } from "./chat-store";

const tempDir = useTempDirs();

const OLD_SCHEMA = `
CREATE TABLE conversations (id TEXT PRIMARY KEY, model TEXT NOT NULL, title TEXT NOT NULL, system TEXT NOT NULL DEFAULT '', settings TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE, role TEXT NOT NULL, content TEXT NOT NULL, stats TEXT, created_at TEXT NOT NULL);
`;
const row = (id: string) => `INSERT INTO conversations VALUES ('${id}', 'tiny', 'Old chat', '', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`;

describe("chat store ownership", () => {
  it("gives conversations from before accounts, in the app database or the old chat.sqlite, to the person at the machine", async () => {
    const dir = await tempDir();
    const db = openAppDatabase(dir);
    db.exec(OLD_SCHEMA);
    db.exec(row("in-app-db"));
    const old = new Database(join(dir, "chat.sqlite"));
    old.exec(OLD_SCHEMA);
    old.exec(row("in-chat-sqlite"));
    old.close();

    const store = openChatStore(db, dir);
    expect(store.listConversations().map((c) => [c.id, c.owner]).sort()).toEqual([
      ["in-app-db", "local"],
      ["in-chat-sqlite", "local"],
    ]);
    const bobs = store.createConversation({ model: "tiny", owner: "bob-id" });
    expect(store.listConversations({ owner: "bob-id" }).map((c) => c.id)).toEqual([bobs.id]);
    expect(store.listConversations({ owner: "local", model: "tiny" })).toHaveLength(2);
    expect(store.ownerOf(bobs.id)).toBe("bob-id");
    expect(store.ownerOf("nope")).toBeNull();
    // Opening again changes nothing.
    expect(openChatStore(db, dir).listConversations()).toHaveLength(3);
  });
});
