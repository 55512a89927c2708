import { join, resolve } from "node:path";
import type { ChatStore } from "../lib/chat/chat-store";
import type { WhetConfig } from "../lib/config";
import { WhetError } from "../lib/errors";
import { deleteWorkspace } from "../lib/workspace/delete-workspace";
import { renameWorkspace, type RenameResult } from "../lib/workspace/rename-workspace";
import type { AppOperations } from "../lib/operations/registry";
import type { RunnerPool } from "../lib/runner/runner-pool";
import type { JobRuntime } from "./jobs/job-runtime";

type Jobs = Pick<JobRuntime<AppOperations>, "list">;

/** Renaming and deleting workspaces of the workspace root, as the app offers them. */
export interface WorkspaceActions {
  rename(name: string, to: string): Promise<RenameResult>;
  remove(name: string): Promise<{ name: string; path: string; freedBytes: number }>;
}

/** A job that has not finished (or may resume) and names the workspace in its input, by name or folder, would lose its folder. */
function assertNoJobUses(jobs: Jobs, name: string, workspaceRoot: string): void {
  const folder = join(resolve(workspaceRoot), name);
  const job = jobs
    .list({ states: ["queued", "running", "paused"] })
    .find((j) => Object.values((j.input ?? {}) as Record<string, unknown>).some((value) => value === name || (typeof value === "string" && resolve(value) === folder)));
  if (job) {
    throw new WhetError("workspace_busy", `${name} is in use by the job "${job.title}"`, "Wait for the job to finish, or cancel it on the Jobs page, then try again.");
  }
}

/** A model loaded from the folder would keep it open under its old name: stopped first, unless it is answering. */
async function releaseRunner(runners: Pick<RunnerPool, "list" | "stop">, name: string, folder: string): Promise<void> {
  const loaded = runners.list().find((r) => r.path === folder || r.name === name);
  if (!loaded) return;
  if (loaded.busy || loaded.queued > 0) {
    throw new WhetError("workspace_busy", `${name} is answering a chat right now`, "Wait for the reply to finish (or stop it), then try again.");
  }
  await runners.stop(name);
}

export function createWorkspaceActions(config: WhetConfig, jobs: Jobs, chats: Pick<ChatStore, "renameModel">, runners: Pick<RunnerPool, "list" | "stop">): WorkspaceActions {
  const roots = { workspaceRoot: config.workspaceRoot, hubCache: config.hubCache };
  return {
    async rename(name, to) {
      assertNoJobUses(jobs, name, config.workspaceRoot);
      await releaseRunner(runners, name, join(resolve(config.workspaceRoot), name));
      const renamed = await renameWorkspace(name, to, roots);
      // Conversations name their model: they follow it to its new name.
      chats.renameModel(name, to);
      return renamed;
    },
    async remove(name) {
      assertNoJobUses(jobs, name, config.workspaceRoot);
      await releaseRunner(runners, name, join(resolve(config.workspaceRoot), name));
      return deleteWorkspace(name, roots);
    },
  };
}
