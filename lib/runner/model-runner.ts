import { randomUUID } from "node:crypto";
import type { WhetConfig } from "../config";
import { WhetError } from "../errors";
import type { BridgeEvent } from "./bridge-events";
import { createEventChannel, type EventChannel } from "./event-channel";
import { blockingFinding, explainLoadFailure } from "./explain-load-failure";
import type { GenerationInput, GenerationParams } from "./generation-params";
import type { RunEvent } from "./run-events";
import { startRunnerProcess, type RunnerExit, type RunnerProcess, type StartRunnerProcess } from "./runner-process";

export type RunnerState = "stopped" | "loading" | "ready" | "failed";

export interface RunnerStatus {
  name: string;
  path: string;
  state: RunnerState;
  pid: number | null;
  /** Requests waiting behind the one being generated. */
  queued: number;
  busy: boolean;
  restarts: number;
  /** What happened the last time the runner died unexpectedly, for the user. */
  lastCrash: string | null;
  /** Why the last load failed, while the runner is in `failed`. */
  lastError: { code: string; message: string; hint: string } | null;
  contextLength: number | null;
  tokenizerFix: string | null;
  loadSeconds: number | null;
  /** A runner spread over a distributed group: how, and (once loaded) each rank's process. */
  group: RunnerGroup | null;
}

export interface RunnerGroup {
  mode: "tensor" | "pipeline";
  ranks: number;
  /** Hosts in rank order, as the hostfile names them. */
  hosts: string[];
  /** The plan check's estimate of what each rank holds (weights, key/value cache, runtime). */
  perRankBytes: number;
  members: { rank: number; pid: number | null; host: string | null }[] | null;
}

export interface ModelRunnerOptions {
  name: string;
  modelPath: string;
  config: Pick<WhetConfig, "python" | "projectRoot">;
  /** Stop the process after this long without requests. */
  idleMs?: number;
  /** How often a ready runner is asked for a pong, and how long it may take to answer. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /**
   * How long a sent request may take before the bridge starts answering it (chat template and
   * tokenizer); past it the process is killed and restarted. A model's template or tokenizer
   * regex can loop on one prompt while the bridge still answers pings.
   */
  prepareTimeoutMs?: number;
  /** Called when the process goes away on its own accord (idle stop), so a pool can forget it. */
  onIdleStop?: () => void;
  /** Starts the process; one python/runner_bridge.py unless given (a distributed group passes its launcher). */
  start?: StartRunnerProcess;
  /** Set for a distributed runner: shown in its status. */
  group?: Omit<RunnerGroup, "members">;
  /** Shards the index names that this folder lacks by design: a pipeline stage's copy, whose other stages hold them. */
  shardsElsewhere?: readonly string[];
}

export interface ModelRunner {
  readonly name: string;
  readonly path: string;
  /**
   * Queues a request at once (so a pool sees the runner in use from this call on) and streams its
   * events; aborting `signal` (or leaving the loop) stops generation. Iterate it, or abort `signal`.
   */
  generate(input: GenerationInput, params: GenerationParams, signal?: AbortSignal): AsyncGenerator<RunEvent>;
  /** Token ids of `text` under this model's tokenizer (queued like a generation). */
  encode(text: string): Promise<number[]>;
  /** How many tokens a generation of `input` would read (chat template applied); queued like a generation. */
  countPrompt(input: GenerationInput): Promise<number>;
  status(): RunnerStatus;
  /** Starts loading without a request (the page warms the model while the user types). */
  warm(): void;
  stop(): Promise<void>;
}

interface Job {
  id: string;
  /** Built when the job is sent, so a request queued during loading sees the real context length. */
  command: () => Record<string, unknown>;
  channel: EventChannel<WaitEvent | BridgeEvent>;
  enqueuedAt: number;
  sentAt: number | null;
  /** The prepare watchdog while the bridge has not started on the job. */
  watchdog: NodeJS.Timeout | null;
}

/** What a request sees before the bridge starts on it; everything after comes from the bridge. */
type WaitEvent = Extract<RunEvent, { type: "queued" | "loading" }>;

const CRASH_WINDOW_MS = 60_000;

/** Errors a distributed group's rank 0 sends just before it exits: the group is gone, whatever the request. */
const GROUP_FATAL = new Set(["RankLost", "GroupFailed"]);
const CRASH_LIMIT = 3;
/**
 * How long a reply whose group broke waits for the group's exit, which says
 * which rank went (rank 0 may only have seen a collective fail); mlx.launch
 * winds a broken group down well within it.
 */
const GROUP_EXIT_WAIT_MS = 10_000;

type GroupError = Extract<BridgeEvent, { type: "error" }>;

/**
 * One model held by one mlx-lm process: started on the first request, loads
 * with progress, serves requests one at a time in arrival order, is pinged
 * while idle and busy, restarted after a crash, and stopped when idle.
 */
export function createModelRunner(options: ModelRunnerOptions): ModelRunner {
  const { name, modelPath, config, idleMs = 10 * 60_000, pingIntervalMs = 10_000, pingTimeoutMs = 20_000, prepareTimeoutMs = 60_000, start = startRunnerProcess } = options;
  let proc: RunnerProcess | null = null;
  let state: RunnerState = "stopped";
  let starting = false;
  let stopping = false;
  let loadError: { errorType: string; message: string } | null = null;
  let info: { contextLength: number | null; tokenizerFix: string | null; loadSeconds: number; members: RunnerGroup["members"] } | null = null;
  let lastProgress: WaitEvent | null = null;
  const queue: Job[] = [];
  let active: Job | null = null;
  let restarts = 0;
  let lastCrash: string | null = null;
  let lastError: RunnerStatus["lastError"] = null;
  const crashTimes: number[] = [];
  let idleTimer: NodeJS.Timeout | null = null;
  let pingTimer: NodeJS.Timeout | null = null;
  let pingSentAt: number | null = null;
  /** Why this side killed the process, when it did: the active request fails with this code. */
  let killedFor: string | null = null;
  /** Bumped by every shutdown: a launch still checking health when the runner was stopped must not start Python. */
  let epoch = 0;
  // A group that reported its own end: nothing more is sent to it while it exits.
  let ending: RunnerProcess | null = null;
  // The reply that was being generated when its group broke, held until the group's exit names the rank.
  let held: { p: RunnerProcess; job: Job; event: GroupError; timer: NodeJS.Timeout } | null = null;

  const everyone = () => [...(active ? [active] : []), ...queue];

  function disarm(job: Job) {
    if (job.watchdog) clearTimeout(job.watchdog);
    job.watchdog = null;
  }

  /** Ends the held reply: naming the rank the group's exit names, else with what rank 0 said. */
  function release(exit: RunnerExit | null) {
    if (!held) return;
    const { job, event, timer } = held;
    held = null;
    clearTimeout(timer);
    const named = exit?.detail !== undefined && exit.rank !== undefined;
    job.channel.push(named ? { ...event, error_type: exit.rank === 0 ? "GroupFailed" : "RankLost", message: `${exit.detail}; the group is being restarted` } : event);
    job.channel.end();
    if (active === job) active = null;
    pump();
  }

  function failAll(error: WhetError) {
    if (held) clearTimeout(held.timer);
    held = null;
    for (const job of everyone()) {
      disarm(job);
      job.channel.fail(error);
    }
    queue.length = 0;
    active = null;
  }

  function announcePositions() {
    queue.forEach((job, i) => job.channel.push({ type: "queued", position: i + (active ? 1 : 0) }));
  }

  function armIdleTimer() {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (active || queue.length || !proc) return;
    idleTimer = setTimeout(() => {
      if (active || queue.length) return;
      // The pool forgets this runner first, so no new request is handed a runner on its way out.
      options.onIdleStop?.();
      void shutdown();
    }, idleMs);
    idleTimer.unref();
  }

  function startPinging(p: RunnerProcess) {
    pingTimer = setInterval(() => {
      if (p !== proc) return;
      if (pingSentAt !== null && Date.now() - pingSentAt > pingTimeoutMs) {
        lastCrash = `The runner for ${name} stopped answering health checks for ${Math.round(pingTimeoutMs / 1000)} s and was restarted.`;
        p.kill();
        return;
      }
      if (pingSentAt === null) {
        pingSentAt = Date.now();
        p.send({ op: "ping", id: "health" });
      }
    }, pingIntervalMs);
    pingTimer.unref();
  }

  function pump() {
    // A process being stopped takes nothing more: a request sent now would die with it unanswered.
    if (state !== "ready" || active || !proc || proc === ending || stopping) return;
    const job = queue.shift();
    if (!job) return armIdleTimer();
    active = job;
    job.sentAt = performance.now();
    const p = proc;
    job.watchdog = setTimeout(() => {
      if (p !== proc || active !== job) return;
      lastCrash = `The runner for ${name} did not finish preparing the prompt within ${Math.round(prepareTimeoutMs / 100) / 10} s (the model's chat template or tokenizer may loop on it) and was restarted.`;
      killedFor = "runner_request_timeout";
      p.kill();
    }, prepareTimeoutMs);
    proc.send(job.command());
    announcePositions();
  }

  function onEvent(p: RunnerProcess, event: BridgeEvent) {
    if (p !== proc) return;
    switch (event.type) {
      case "progress":
        lastProgress = { type: "loading", phase: event.phase, done: event.done, total: event.total };
        for (const job of everyone()) job.channel.push(lastProgress);
        return;
      case "ready":
        state = "ready";
        info = { contextLength: event.context_length, tokenizerFix: event.tokenizer_fix, loadSeconds: event.load_s, members: event.group ?? null };
        lastError = null;
        startPinging(p);
        return pump();
      case "load_error":
        loadError = { errorType: event.error_type, message: event.message };
        return;
      case "pong":
        pingSentAt = null;
        return;
      default: {
        if (event.type === "error" && GROUP_FATAL.has(event.error_type)) {
          ending = p;
          lastCrash = `The group running ${name} broke: ${event.message}.`;
          if (active && event.id === active.id) {
            disarm(active);
            held = { p, job: active, event, timer: setTimeout(() => release(null), GROUP_EXIT_WAIT_MS) };
            return;
          }
        }
        if (!active || event.id !== active.id) return;
        disarm(active);
        active.channel.push(event);
        if (event.type === "done" || event.type === "encoded" || event.type === "counted" || event.type === "error") {
          active.channel.end();
          active = null;
          pump();
        }
      }
    }
  }

  async function onExit(p: RunnerProcess, exit: RunnerExit) {
    if (p !== proc) return;
    proc = null;
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
    pingSentAt = null;
    const wasState = state;
    state = "stopped";
    if (held?.p === p) release(exit);
    if (stopping) return;
    const how = exit.detail ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? "unknown"}`);

    if (wasState === "loading") {
      const error = explainLoadFailure({
        name,
        errorType: loadError?.errorType ?? null,
        message: loadError?.message ?? null,
        stderrTail: p.stderrTail(),
      });
      state = "failed";
      lastError = { code: error.code, message: error.message, hint: error.hint };
      return failAll(error);
    }

    restarts += 1;
    const now = Date.now();
    crashTimes.push(now);
    while (crashTimes.length && (crashTimes[0] as number) < now - CRASH_WINDOW_MS) crashTimes.shift();
    // A group's exit says which rank went (the surviving ranks only saw a lost peer): that is the report.
    if (exit.detail && ending === p) lastCrash = `The group running ${name} broke: ${exit.detail}.`;
    lastCrash ??= `The runner for ${name} crashed (${how}) and was restarted.`;
    const crash =
      killedFor === "runner_request_timeout"
        ? new WhetError(killedFor, `${lastCrash} The reply was not generated.`, "Run `whet health` on the model; send a shorter message, or the prompt without the chat template (--no-chat-template).", { pid: p.pid ?? null })
        : new WhetError(
            "runner_crashed",
            `${lastCrash} The reply being generated was lost.`,
            "Send the message again. If it keeps happening, the model may need more memory than is free.",
            { pid: p.pid ?? null, exit: how },
          );
    killedFor = null;
    lastCrash = crash.message;
    if (active) {
      disarm(active);
      active.channel.fail(crash);
      active = null;
    }
    if (crashTimes.length >= CRASH_LIMIT) {
      state = "failed";
      lastError = { code: "runner_crash_loop", message: `The runner for ${name} crashed ${CRASH_LIMIT} times in a minute.`, hint: "Check memory and `whet health`; the next request tries again." };
      return failAll(new WhetError(lastError.code, lastError.message, lastError.hint));
    }
    // Restart at once so the retry (and anything queued) finds the model loaded.
    launch();
  }

  function launch() {
    if (proc || starting) return;
    starting = true;
    state = "loading";
    loadError = null;
    info = null;
    if (idleTimer) clearTimeout(idleTimer);
    const mine = epoch;
    void (async () => {
      // A model the health check says cannot load is refused before Python starts.
      const refusal = await blockingFinding(modelPath, name, new Set(options.shardsElsewhere));
      if (mine !== epoch) return;
      if (refusal) {
        starting = false;
        state = "failed";
        lastError = { code: refusal.code, message: refusal.message, hint: refusal.hint };
        return failAll(refusal);
      }
      let p: RunnerProcess;
      try {
        p = await start({ modelPath, config, onEvent: (e) => onEvent(p, e) });
      } catch (error) {
        starting = false;
        state = "failed";
        const failure = error instanceof WhetError ? error : new WhetError("runner_start_failed", `The runner for ${name} could not start: ${String(error)}`, "Try again; `whet doctor` checks the Python set-up.");
        lastError = { code: failure.code, message: failure.message, hint: failure.hint };
        return failAll(failure);
      }
      // Stopped while the process was starting: it is not wanted any more.
      if (mine !== epoch) return void p.stop();
      starting = false;
      proc = p;
      void p.exited.then((exit) => onExit(p, exit));
    })();
  }

  async function shutdown() {
    if (idleTimer) clearTimeout(idleTimer);
    epoch += 1;
    starting = false;
    const p = proc;
    if (p) {
      stopping = true;
      try {
        await p.stop();
      } finally {
        stopping = false;
        lastCrash = null;
      }
    }
    state = "stopped";
    // A request that came while the old process was leaving is not lost: it starts the next one.
    if (queue.length) launch();
  }

  function enqueue(id: string, command: () => Record<string, unknown>): Job {
    const job: Job = { id, command, channel: createEventChannel(), enqueuedAt: performance.now(), sentAt: null, watchdog: null };
    if (idleTimer) clearTimeout(idleTimer);
    queue.push(job);
    const position = queue.length - 1 + (active ? 1 : 0);
    if (position > 0) job.channel.push({ type: "queued", position });
    if (state === "loading" && lastProgress) job.channel.push(lastProgress);
    if (!proc && !starting) launch();
    else pump();
    return job;
  }

  function cancel(job: Job) {
    const at = queue.indexOf(job);
    if (at >= 0) {
      queue.splice(at, 1);
      job.channel.end();
      announcePositions();
      return;
    }
    if (active === job) proc?.send({ op: "cancel", id: job.id });
  }

  function generate(input: GenerationInput, params: GenerationParams, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    if (signal?.aborted) return (async function* () {})();
    const id = randomUUID();
    const job = enqueue(id, () => ({
      op: "generate",
      id,
      ...input,
      params: {
        // Null: the bridge bounds the reply by the context left after the prompt (reply_budget in python/runner_bridge.py).
        max_tokens: params.maxTokens,
        context_length: info?.contextLength ?? null,
        temperature: params.temperature,
        top_p: params.topP,
        repetition_penalty: params.repetitionPenalty,
        stop: params.stop,
        seed: params.seed,
      },
    }));
    const onAbort = () => cancel(job);
    signal?.addEventListener("abort", onAbort, { once: true });
    return stream(job, signal, onAbort);
  }

  async function* stream(job: Job, signal: AbortSignal | undefined, onAbort: () => void): AsyncGenerator<RunEvent> {
    let finished = false;
    let firstTokenAt: number | null = null;
    try {
      for await (const event of job.channel) {
        switch (event.type) {
          case "queued":
          case "loading":
            yield event;
            break;
          case "start":
            yield { type: "start", promptTokens: event.prompt_tokens, template: event.template };
            break;
          case "token":
            firstTokenAt ??= performance.now();
            if (event.text) yield { type: "delta", text: event.text };
            break;
          case "done": {
            finished = true;
            const now = performance.now();
            const sentAt = job.sentAt ?? now;
            const decodeSeconds = firstTokenAt !== null ? (now - firstTokenAt) / 1000 : 0;
            yield {
              type: "done",
              finishReason: event.finish_reason,
              usage: { promptTokens: event.prompt_tokens, completionTokens: event.completion_tokens },
              timings: {
                waitMs: Math.round(sentAt - job.enqueuedAt),
                ttftMs: firstTokenAt !== null ? Math.round((firstTokenAt - sentAt) * 10) / 10 : null,
                tokensPerSecond: event.completion_tokens > 1 && decodeSeconds > 0 ? Math.round(((event.completion_tokens - 1) / decodeSeconds) * 10) / 10 : null,
                totalMs: Math.round(now - job.enqueuedAt),
              },
            };
            return;
          }
          case "error":
            finished = true;
            if (GROUP_FATAL.has(event.error_type)) {
              throw new WhetError(event.error_type === "RankLost" ? "rank_lost" : "group_failed", `${name}: ${event.message}. The reply being generated was lost.`, "Send the message again: the whole group is restarted. If a rank keeps leaving, check that host's memory and network.");
            }
            if (event.error_type === "ContextLengthExceeded") {
              throw new WhetError("context_length_exceeded", `${name}: ${event.message}.`, "Shorten the message, or start a new conversation so that fewer earlier messages are sent with it.");
            }
            throw new WhetError("generation_failed", `${name}: ${event.error_type}: ${event.message}`, "Check the messages (the chat template may reject a role) and the settings, then try again.");
        }
      }
      finished = true;
      if (signal?.aborted) return;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!finished) cancel(job);
    }
  }

  return {
    name,
    path: modelPath,
    generate(input, params, signal) {
      return generate(input, params, signal);
    },
    async encode(text) {
      const id = randomUUID();
      const job = enqueue(id, () => ({ op: "encode", id, text }));
      for await (const event of job.channel) {
        if (event.type === "encoded") return event.tokens;
        if (event.type === "error") throw new WhetError("generation_failed", event.message, "Try again.");
      }
      throw new WhetError("cancelled", "Encoding was cancelled", "Try again.");
    },
    async countPrompt(input) {
      const id = randomUUID();
      const job = enqueue(id, () => ({ op: "count", id, ...input }));
      for await (const event of job.channel) {
        if (event.type === "counted") return event.prompt_tokens;
        if (event.type === "error") throw new WhetError("generation_failed", `${name}: ${event.error_type}: ${event.message}`, "Check the messages (the chat template may reject a role), then try again.");
      }
      throw new WhetError("cancelled", "Counting the prompt's tokens was cancelled", "Try again.");
    },
    status() {
      return {
        name,
        path: modelPath,
        state,
        pid: proc?.pid ?? null,
        queued: queue.length,
        busy: active !== null,
        restarts,
        lastCrash,
        lastError,
        contextLength: info?.contextLength ?? null,
        tokenizerFix: info?.tokenizerFix ?? null,
        loadSeconds: info?.loadSeconds ?? null,
        group: options.group ? { ...options.group, members: info?.members ?? null } : null,
      };
    },
    warm() {
      if (!proc && !starting) launch();
    },
    async stop() {
      failAll(new WhetError("runner_stopped", `The runner for ${name} was stopped`, "Send the message again to start it."));
      await shutdown();
    },
  };
}
