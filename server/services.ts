import { createActiveReplies, type ActiveReplies } from "../lib/chat/active-replies";
import { openChatStore, type ChatStore } from "../lib/chat/chat-store";
import { getConfig, type WhetConfig } from "../lib/config";
import { OPERATIONS, type AppOperations } from "../lib/operations/registry";
import type { QueueName } from "../lib/operations/operation";
import { createRunnerPool, type RunnerPool } from "../lib/runner/runner-pool";
import { openAppDatabase, type AppDatabase } from "../lib/store/app-database";
import { createAuthServices, type AuthServices } from "./auth/auth-services";
import { configForUser } from "./auth/hub-config";
import { createWorkspaceActions, type WorkspaceActions } from "./workspace-actions";
import { createJobRuntime, type JobOf, type JobRuntime } from "./jobs/job-runtime";

export type AppJob = JobOf<AppOperations>;

/** What the server holds for its whole life, made once from the configuration and handed to every request through the context. */
export interface Services {
  config: WhetConfig;
  db: AppDatabase;
  jobs: JobRuntime<AppOperations>;
  runners: RunnerPool;
  chats: ChatStore;
  replies: ActiveReplies;
  /** Accounts, sessions, tokens, the audit log, sign-in throttling and quotas. */
  auth: AuthServices;
  /** Rename and delete workspaces (never one a job still uses). */
  workspaces: WorkspaceActions;
  /** Stops jobs (resumable ones continue at the next start), runners and the database. */
  close(): Promise<void>;
}

export function createServices(
  config: WhetConfig,
  options: { concurrency?: Partial<Record<QueueName, number>>; fetch?: typeof fetch; now?: () => number } = {},
): Services {
  const db = openAppDatabase(config.dataDir);
  const auth = createAuthServices(db, config, options.now);
  const jobs = createJobRuntime({ db, config, operations: OPERATIONS, configFor: (owner) => configForUser(config, auth, owner), ...options });
  const runners = createRunnerPool({ config });
  const chats = openChatStore(db, config.dataDir);
  return {
    config,
    db,
    jobs,
    runners,
    chats,
    replies: createActiveReplies(),
    auth,
    workspaces: createWorkspaceActions(config, jobs, chats, runners),
    async close() {
      await Promise.all([jobs.close(), runners.stopAll()]);
      db.close();
    },
  };
}

// The one process-wide instance. Held on globalThis because `next dev` reloads modules; everything else gets it through the context.
const holder = globalThis as typeof globalThis & { __whetServices?: Services };

export function getServices(): Services {
  holder.__whetServices ??= createServices(getConfig());
  return holder.__whetServices;
}
