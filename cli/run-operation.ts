import { runToEnd, type BaseProgress, type OperationDefinition } from "../lib/operations/operation";
import type { CommandContext } from "./command";

/**
 * Runs an operation definition in this process, as the job runtime would:
 * its progress snapshots become the terminal's progress line (silent under
 * --json) and Ctrl-C aborts it (reason "pause" for resumable ones, which
 * keep what was done for the next run; "cancel" otherwise).
 */
export async function runOperation<Input, Progress extends BaseProgress, Result>(
  operation: OperationDefinition<string, Input, Progress, Result>,
  input: Input,
  ctx: Pick<CommandContext, "config" | "progress" | "onInterrupt">,
  render: (progress: Progress) => string,
): Promise<Result> {
  const controller = new AbortController();
  const release = ctx.onInterrupt?.(() => controller.abort(operation.resumable ? "pause" : "cancel")) ?? (() => undefined);
  try {
    return await runToEnd(operation, input, { config: ctx.config, fetch, signal: controller.signal, now: Date.now }, progressLine(ctx, render));
  } finally {
    release();
    ctx.progress("");
  }
}

/**
 * The terminal's progress line for an operation's snapshots, wherever they
 * come from (this process, or a remote job's states): at most ten times a
 * second, and the last step always.
 */
export function progressLine<Progress extends BaseProgress>(ctx: Pick<CommandContext, "progress">, render: (progress: Progress) => string): (progress: Progress) => void {
  let shown = 0;
  return (progress) => {
    const now = Date.now();
    if (now - shown < 100 && progress.done < progress.total) return;
    shown = now;
    ctx.progress(render(progress));
  };
}
