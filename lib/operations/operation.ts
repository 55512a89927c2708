import type { z } from "zod";
import type { WhetConfig } from "../config";

/**
 * What every operation's progress carries, so the job runtime, the Jobs page
 * and the CLI's progress line can show any of them; an operation adds its own
 * fields (a download's per-file table, a conversion's tensor count).
 */
export interface BaseProgress {
  phase: string;
  done: number;
  total: number;
  unit: "bytes" | "files" | "steps";
  detail?: string;
}

/** Everything an operation may touch, injected: no globals, so tests and the CLI pass their own. */
export interface OperationDeps {
  config: WhetConfig;
  fetch: typeof fetch;
  /** Aborted on cancel and on pause; `signal.reason` says which ("cancel" | "pause" | "shutdown"). */
  signal: AbortSignal;
  now: () => number;
}

/** The job runtime runs each queue with its own concurrency limit. */
export type QueueName = "downloads" | "conversions" | "quantizations" | "checks" | "uploads";

/**
 * One long operation, defined once: its input schema, a generator that yields
 * progress snapshots and returns the result, and how the runtime treats it.
 * The job runtime, the router, the pages and the CLI all drive this one definition.
 */
export interface OperationDefinition<Kind extends string, Input, Progress extends BaseProgress, Result> {
  kind: Kind;
  queue: QueueName;
  input: z.ZodType<Input>;
  title(input: Input): string;
  /** Two starts with the same key are the same work: the second attaches to the first while it runs. */
  key(input: Input): string;
  /**
   * True when an interrupted run (pause, app restart, kill) continues from what
   * is on disk: the runtime then offers pause/resume and restarts it after a restart.
   */
  resumable: boolean;
  run(input: Input, deps: OperationDeps): AsyncGenerator<Progress, Result>;
  /** The workspace a successful run created, if any: the runtime records in it who started the job. */
  workspaceOf?(result: Result): string | null;
  /** Removes what a resumable run keeps for later (partial downloads) when its job is cancelled while not running. */
  discard?(input: Input, config: WhetConfig): Promise<void>;
}

export type AnyOperation = OperationDefinition<string, any, BaseProgress, any>;
/** What a caller hands to start an operation: its schema's input (defaults not yet applied). */
export type StartInputOf<O> = O extends { input: infer S extends z.ZodType } ? z.input<S> : never;
export type InputOf<O> = O extends OperationDefinition<string, infer I, BaseProgress, unknown> ? I : never;
export type ProgressOf<O> = O extends OperationDefinition<string, unknown, infer P, unknown> ? P : never;
export type ResultOf<O> = O extends OperationDefinition<string, unknown, BaseProgress, infer R> ? R : never;

export function defineOperation<Kind extends string, Input, Progress extends BaseProgress, Result>(
  definition: OperationDefinition<Kind, Input, Progress, Result>,
): OperationDefinition<Kind, Input, Progress, Result> {
  return definition;
}

/** Runs an operation to its end in this process (the CLI's way), handing each progress snapshot to `onProgress`. */
export async function runToEnd<Input, Progress extends BaseProgress, Result>(
  operation: OperationDefinition<string, Input, Progress, Result>,
  input: Input,
  deps: OperationDeps,
  onProgress?: (progress: Progress) => void,
): Promise<Result> {
  const parsed = operation.input.parse(input);
  const run = operation.run(parsed, deps);
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
    onProgress?.(step.value);
  }
}
