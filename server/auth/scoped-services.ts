import type { ActiveReplies } from "../../lib/chat/active-replies";
import type { UserStore } from "../../lib/auth/user-store";
import type { ChatStore } from "../../lib/chat/chat-store";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { basename, join } from "node:path";
import { WhetError } from "../../lib/errors";
import { existingWorkspace, type WorkspaceRoots } from "../../lib/workspace/existing-workspace";
import { SENTINEL_FILE } from "../../lib/workspace/sentinel";

const MAX_SENTINEL_BYTES = 4 * 1024 * 1024;
import type { Services } from "../services";
import type { Principal } from "./principal";
import { jobQuotaError } from "./quotas";

type Jobs = Services["jobs"];

/**
 * Who created a workspace, from its sentinel; null when it does not say. Read
 * as any model file is: a regular file only (no link, no FIFO that would
 * block), of a sentinel's size.
 */
function readCreatorSync(workspace: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(join(workspace, SENTINEL_FILE), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_SENTINEL_BYTES) return null;
    const bytes = Buffer.alloc(info.size);
    readSync(fd, bytes, 0, info.size, 0);
    const creator = (JSON.parse(bytes.toString("utf8")) as { created_by?: unknown }).created_by;
    return typeof creator === "string" ? creator : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function conversationNotFound(id: string): WhetError {
  // The same answer as for a conversation that does not exist: another user's are not even confirmed.
  return new WhetError("conversation_not_found", `No conversation ${id}`, "It may have been deleted; start a new one.");
}

/** Conversations are private: each user lists, reads and changes only their own. */
function ownChats(chats: ChatStore, principal: Principal): ChatStore {
  const mine = (id: string) => {
    if (chats.ownerOf(id) !== principal.id) throw conversationNotFound(id);
  };
  return {
    listConversations: (filter = {}) => chats.listConversations({ ...filter, owner: principal.id }),
    getConversation: (id) => (mine(id), chats.getConversation(id)),
    ownerOf: (id) => (chats.ownerOf(id) === principal.id ? principal.id : null),
    createConversation: (input) => chats.createConversation({ ...input, owner: principal.id }),
    updateConversation: (id, changes) => (mine(id), chats.updateConversation(id, changes)),
    deleteConversation: (id) => (mine(id), chats.deleteConversation(id)),
    addMessage: (input) => (mine(input.conversationId), chats.addMessage(input)),
    dropLastReply: (id) => (mine(id), chats.dropLastReply(id)),
    // Everyone's conversations follow a renamed workspace; only the workspace rename (owner or admin) calls it.
    renameModel: (from, to) => chats.renameModel(from, to),
  };
}

/**
 * Jobs record who started them; everyone sees them all, members change only
 * their own, admins any. The runtime keeps the account's id; what callers
 * see names the account (`local` for the person at the machine).
 */
function ownJobs(jobs: Jobs, principal: Principal, concurrentJobs: number, users: UserStore): Jobs {
  const named = <J extends { owner: string | null }>(job: J): J =>
    job.owner === null || job.owner === "local" ? job : { ...job, owner: users.getById(job.owner)?.name ?? "a removed account" };
  // A workspace made by a job records who started it; one made outside the app belongs to the machine's owner.
  const mayPublish = (workspace: string) => {
    const creator = readCreatorSync(workspace);
    if (principal.role !== "admin" && creator !== principal.id) {
      throw new WhetError("access_denied", `${basename(workspace)} was created by another user, so only they or an admin can push it`, "Clone or convert it into a workspace of your own, then push that.");
    }
  };
  const mayChange = (id: string) => {
    const job = jobs.get(id);
    if (job && principal.role !== "admin" && job.owner !== principal.id) {
      throw new WhetError("access_denied", `${job.title} was started by another user, so only they or an admin can change it`, "Start the same work yourself, or ask an admin.");
    }
  };
  return {
    ...jobs,
    start(kind, input, options = {}) {
      if (kind === "push") mayPublish((input as { workspace: string }).workspace);
      const active = jobs.list({ states: ["queued", "running"] }).filter((j) => j.owner === principal.id).length;
      const refused = jobQuotaError(principal, active, concurrentJobs);
      if (refused) throw refused;
      return named(jobs.start(kind, input, { ...options, owner: principal.id }));
    },
    get: (id) => {
      const job = jobs.get(id);
      return job ? named(job) : null;
    },
    list: (filter) => jobs.list(filter).map(named),
    async *watch(id, afterSeq, signal) {
      for await (const job of jobs.watch(id, afterSeq, signal)) yield named(job);
    },
    cancel: async (id) => (mayChange(id), named(await jobs.cancel(id))),
    pause: (id) => (mayChange(id), named(jobs.pause(id))),
    resume: (id) => (mayChange(id), named(jobs.resume(id))),
  };
}

/**
 * A workspace is changed (renamed, deleted) by whoever created it, or an
 * admin; one made outside the app belongs to the machine's owner, so to admins.
 */
function ownWorkspaces(workspaces: Services["workspaces"], principal: Principal, roots: WorkspaceRoots): Services["workspaces"] {
  const mayChange = async (name: string, what: string) => {
    const creator = readCreatorSync(await existingWorkspace(name, roots));
    if (principal.role !== "admin" && creator !== principal.id) {
      throw new WhetError("access_denied", `${name} was created by another user, so only they or an admin can ${what} it`, "Clone or convert it into a workspace of your own, or ask an admin.");
    }
  };
  return {
    rename: async (name, to) => (await mayChange(name, "rename"), workspaces.rename(name, to)),
    remove: async (name) => (await mayChange(name, "delete"), workspaces.remove(name)),
  };
}

// Who started each reply being generated, across the per-request scoped copies.
const replyOwners = new WeakMap<ActiveReplies, Map<string, string>>();

/** A reply can be stopped by whoever asked for it, or an admin. */
function ownReplies(replies: ActiveReplies, principal: Principal): ActiveReplies {
  let owners = replyOwners.get(replies);
  if (!owners) replyOwners.set(replies, (owners = new Map()));
  const known = owners;
  return {
    register(id, controller, conversationId) {
      known.set(id, principal.id);
      const unregister = replies.register(id, controller, conversationId);
      return () => {
        known.delete(id);
        return unregister();
      };
    },
    stop(id) {
      const owner = known.get(id);
      if (owner !== undefined && owner !== principal.id && principal.role !== "admin") {
        throw new WhetError("access_denied", "That reply belongs to another user's conversation", "Only its owner can stop it.");
      }
      return replies.stop(id);
    },
    // Conversations are the user's own (the chat store is scoped): waiting on one reveals nothing.
    settled: (conversationId, ms) => replies.settled(conversationId, ms),
  };
}

/** The services as one principal may use them: what they start is theirs, what others own is out of reach. */
export function scopeServices(services: Services, principal: Principal): Services {
  return {
    ...services,
    jobs: ownJobs(services.jobs, principal, services.config.access.quotas.concurrentJobs, services.auth.users),
    chats: ownChats(services.chats, principal),
    replies: ownReplies(services.replies, principal),
    workspaces: ownWorkspaces(services.workspaces, principal, { workspaceRoot: services.config.workspaceRoot, hubCache: services.config.hubCache }),
  };
}
