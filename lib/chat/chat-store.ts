import { randomUUID } from "node:crypto";
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { AppDatabase } from "../store/app-database";
import { z } from "zod";
import { WhetError } from "../errors";
import { generationParamsSchema, type GenerationParams } from "../runner/generation-params";

export interface Conversation {
  id: string;
  /** Who it belongs to (a user id, or `local` for the person at the machine); conversations are private to it. */
  owner: string;
  /** The model spec the conversation runs on (workspace name or org/name[@rev]). */
  model: string;
  title: string;
  system: string;
  settings: GenerationParams;
  createdAt: string;
  updatedAt: string;
}

export const replyStatsSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  ttftMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  /** interrupted: the page went away mid-reply (closed, reloaded), cancelled: the user stopped it. */
  finishReason: z.enum(["stop", "length", "cancelled", "interrupted"]),
});

export type ReplyStats = z.infer<typeof replyStatsSchema>;

export interface StoredMessage {
  id: string;
  conversationId: string;
  role: "user" | "assistant";
  content: string;
  /** Set on assistant replies: token counts and speed, shown under the reply. */
  stats: ReplyStats | null;
  createdAt: string;
}

export interface ChatStore {
  listConversations(filter?: { model?: string; owner?: string }): Conversation[];
  getConversation(id: string): { conversation: Conversation; messages: StoredMessage[] };
  /** The owner, or null when there is no such conversation. */
  ownerOf(id: string): string | null;
  createConversation(input: { model: string; system?: string; settings?: Partial<GenerationParams>; title?: string; owner?: string }): Conversation;
  updateConversation(id: string, changes: { system?: string; settings?: GenerationParams; title?: string }): Conversation;
  deleteConversation(id: string): void;
  addMessage(input: { conversationId: string; role: StoredMessage["role"]; content: string; stats?: ReplyStats | null }): StoredMessage;
  /** Removes the last reply so it can be generated again; returns it, or null if the last message is not a reply. */
  dropLastReply(conversationId: string): StoredMessage | null;
  /** Moves every conversation on model `from` to `to` (a workspace renamed); returns how many moved. */
  renameModel(from: string, to: string): number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  title TEXT NOT NULL,
  system TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX IF NOT EXISTS conversations_by_model ON conversations (model, updated_at);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  content TEXT NOT NULL,
  stats TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, seq);
`;

interface ConversationRow {
  id: string;
  model: string;
  title: string;
  system: string;
  settings: string;
  created_at: string;
  updated_at: string;
  owner: string;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  role: "user" | "assistant";
  content: string;
  stats: string | null;
  created_at: string;
}

/** Settings saved by an older version may lack fields; they get today's defaults instead of failing. */
function parseSettings(text: string): GenerationParams {
  const parsed = generationParamsSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : generationParamsSchema.parse({});
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, owner: row.owner, model: row.model, title: row.title, system: row.system, settings: parseSettings(row.settings), createdAt: row.created_at, updatedAt: row.updated_at };
}

function toMessage(row: MessageRow): StoredMessage {
  const stats = row.stats ? replyStatsSchema.safeParse(JSON.parse(row.stats)) : null;
  return { id: row.id, conversationId: row.conversation_id, role: row.role, content: row.content, stats: stats?.success ? stats.data : null, createdAt: row.created_at };
}

/** Conversations kept by versions before the one app database; moved in once. */
function importOldChats(db: AppDatabase, dataDir: string): void {
  const old = join(dataDir, "chat.sqlite");
  if (!existsSync(old)) return;
  db.prepare("ATTACH DATABASE ? AS old").run(old);
  db.transaction(() => {
    db.exec("INSERT OR IGNORE INTO conversations (id, model, title, system, settings, created_at, updated_at) SELECT id, model, title, system, settings, created_at, updated_at FROM old.conversations");
    db.exec("INSERT OR IGNORE INTO messages SELECT * FROM old.messages");
  })();
  db.exec("DETACH DATABASE old");
  renameSync(old, `${old}.imported`);
}

/** Conversations from before accounts existed belong to the person at the machine. */
function addOwnerColumn(db: AppDatabase): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('conversations')").all();
  if (!columns.some((c) => c.name === "owner")) db.exec("ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT 'local'");
  db.exec("CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, model, updated_at)");
}

/** Conversations and their messages, in the app database. */
export function openChatStore(db: AppDatabase, dataDir: string): ChatStore {
  db.exec(SCHEMA);
  addOwnerColumn(db);
  importOldChats(db, dataDir);

  const now = () => new Date().toISOString();
  const find = db.prepare<[string], ConversationRow>("SELECT * FROM conversations WHERE id = ?");
  const touch = db.prepare<[string, string]>("UPDATE conversations SET updated_at = ? WHERE id = ?");

  function conversation(id: string): Conversation {
    const row = find.get(id);
    if (!row) throw new WhetError("conversation_not_found", `No conversation ${id}`, "It may have been deleted; start a new one.");
    return toConversation(row);
  }

  return {
    listConversations(filter = {}) {
      const where = [...(filter.model !== undefined ? ["model = @model"] : []), ...(filter.owner !== undefined ? ["owner = @owner"] : [])];
      const rows = db
        .prepare<[{ model?: string; owner?: string }], ConversationRow>(
          `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ${filter.model !== undefined ? "" : "model, "}updated_at DESC`,
        )
        .all({ ...(filter.model !== undefined ? { model: filter.model } : {}), ...(filter.owner !== undefined ? { owner: filter.owner } : {}) });
      return rows.map(toConversation);
    },
    ownerOf(id) {
      return db.prepare<[string], { owner: string }>("SELECT owner FROM conversations WHERE id = ?").get(id)?.owner ?? null;
    },
    getConversation(id) {
      const messages = db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq").all(id);
      return { conversation: conversation(id), messages: messages.map(toMessage) };
    },
    createConversation(input) {
      const id = randomUUID();
      const at = now();
      const settings = generationParamsSchema.parse(input.settings ?? {});
      db.prepare("INSERT INTO conversations (id, model, title, system, settings, created_at, updated_at, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
        id,
        input.model,
        input.title ?? "New chat",
        input.system ?? "",
        JSON.stringify(settings),
        at,
        at,
        input.owner ?? "local",
      );
      return conversation(id);
    },
    updateConversation(id, changes) {
      const current = conversation(id);
      db.prepare("UPDATE conversations SET title = ?, system = ?, settings = ?, updated_at = ? WHERE id = ?").run(
        changes.title ?? current.title,
        changes.system ?? current.system,
        JSON.stringify(changes.settings ?? current.settings),
        now(),
        id,
      );
      return conversation(id);
    },
    deleteConversation(id) {
      db.prepare("DELETE FROM conversations WHERE id = ?").run(id);
    },
    renameModel(from, to) {
      return db.prepare("UPDATE conversations SET model = ? WHERE model = ?").run(to, from).changes;
    },
    addMessage(input) {
      const current = conversation(input.conversationId);
      const id = randomUUID();
      const at = now();
      db.transaction(() => {
        db.prepare("INSERT INTO messages (id, conversation_id, role, content, stats, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
          id,
          input.conversationId,
          input.role,
          input.content,
          input.stats ? JSON.stringify(input.stats) : null,
          at,
        );
        // The first thing the user says names the conversation in the list.
        if (input.role === "user" && current.title === "New chat") {
          const title = input.content.replace(/\s+/g, " ").trim().slice(0, 60) || "New chat";
          db.prepare("UPDATE conversations SET title = ? WHERE id = ?").run(title, input.conversationId);
        }
        touch.run(at, input.conversationId);
      })();
      return toMessage(db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE id = ?").get(id) as MessageRow);
    },
    dropLastReply(conversationId) {
      const last = db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1").get(conversationId);
      if (!last || last.role !== "assistant") return null;
      db.prepare("DELETE FROM messages WHERE id = ?").run(last.id);
      return toMessage(last);
    },
  };
}
