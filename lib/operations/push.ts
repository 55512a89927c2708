import { basename } from "node:path";
import { pushInput, type PushInput } from "../push/push-input";
import type { PushProgress } from "../push/push-progress";
import { pushWorkspace, type PushResult } from "../push/push-workspace";
import { defineOperation } from "./operation";
import { progressStream } from "./progress-stream";

export { pushInput, type PushInput, type PushProgress, type PushResult };

/**
 * `whet push` and the app's Push dialog: a workspace published to a Hub repo
 * as one commit (see lib/push/push-workspace.ts). Resumable: run again after
 * a pause or a kill, it sends none of the large files the Hub already holds.
 */
export const pushOperation = defineOperation({
  kind: "push",
  queue: "uploads",
  input: pushInput,
  resumable: true,
  title: (input) => {
    const target = `${input.repo}${input.branch && input.branch !== "main" ? `@${input.branch}` : ""}`;
    if (input.checkOnly) return `Check ${basename(input.workspace)} for pushing`;
    return `${input.dryRun ? "Preview push of" : "Push"} ${basename(input.workspace)} to ${target}`;
  },
  key: (input) => `push:${input.workspace}→${input.repo}@${input.branch ?? "main"}${input.checkOnly ? ":check" : input.dryRun ? ":dry-run" : ""}`,
  run: (input, deps) => progressStream<PushProgress, PushResult>((report) => pushWorkspace(input, deps, report)),
});
