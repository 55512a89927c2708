import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { WhetError } from "../errors";

/** What one context rendered to: text (cut at `maxChars`), or the error the template raised. */
export type RenderOutcome = { state: "rendered"; text: string; truncated: boolean } | { state: "failed"; message: string };

/** A template's verdict: every context's outcome, or why it could not be rendered at all. */
export type SandboxResult = { state: "rendered"; outcomes: RenderOutcome[] } | { state: "error"; error: WhetError };

export interface SandboxRequest {
  template: string;
  contexts: readonly Record<string, unknown>[];
}

export interface TemplateSandbox {
  render(request: SandboxRequest): Promise<SandboxResult>;
  /** Ends the sandbox process; a later render starts a new one. */
  close(): void;
}

export interface SandboxOptions {
  /** The child's entry, `lib/chat-template/sandbox-child.mjs` (see `sandboxScript`). */
  script: string;
  /** Wall-clock limit for one template, all its contexts together. */
  timeoutMs?: number;
  /** The child's V8 heap limit; past it V8 aborts the child, never this process. */
  heapMb?: number;
  /** Longest rendered text kept per context. */
  maxChars?: number;
  /** How long the child may take to start (a busy machine starts Node slowly). */
  startTimeoutMs?: number;
}

type ChildReply =
  | { ready: true }
  | { id: number; parseError: string }
  | { id: number; outcomes: RenderOutcome[] };

interface Pending {
  id: number;
  request: SandboxRequest;
  resolve: (result: SandboxResult) => void;
}

/** Error texts come from the template engine and may carry pieces of the template: keep them short. */
const MESSAGE_CHARS = 200;

export function sandboxScript(projectRoot: string): string {
  return join(projectRoot, "lib", "chat-template", "sandbox-child.mjs");
}

function shorten(text: string): string {
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
}

/**
 * Renders chat templates in one long-lived child Node process with a small
 * heap, one template at a time. A template that runs past `timeoutMs` has its
 * child killed; one that exhausts the heap kills its child itself (V8 aborts
 * the whole process on a heap overflow, worker threads included, so a thread
 * could not contain it). Either way the caller gets a typed error and the next
 * request starts a fresh child. The child is unreferenced while idle, so it
 * never keeps a CLI command alive.
 */
export function createTemplateSandbox(options: SandboxOptions): TemplateSandbox {
  const { script, timeoutMs = 2000, heapMb = 64, maxChars = 65_536, startTimeoutMs = 15_000 } = options;
  const queue: Pending[] = [];
  let child: ChildProcess | null = null;
  let ready = false;
  let active: { pending: Pending; timer: NodeJS.Timeout; timedOut: boolean } | null = null;
  let startTimer: NodeJS.Timeout | null = null;
  let nextId = 1;

  function hold(held: boolean) {
    if (!child) return;
    if (held) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }

  function finish(result: SandboxResult) {
    if (!active) return;
    clearTimeout(active.timer);
    const { pending } = active;
    active = null;
    pending.resolve(result);
    pump();
  }

  function onExit(exited: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (exited !== child) return;
    child = null;
    ready = false;
    if (startTimer) clearTimeout(startTimer);
    startTimer = null;
    if (active) {
      const seconds = Math.round(timeoutMs / 100) / 10;
      finish({
        state: "error",
        error: active.timedOut
          ? new WhetError("chat_template_timeout", `The chat template took too long to render (over ${seconds} s); it may loop`, "Fix the template by hand or copy it again from the original model repository.")
          : signal === "SIGABRT" || code === 134
            ? new WhetError("chat_template_memory", `The chat template needs more than ${heapMb} MB of memory to render`, "Fix the template by hand or copy it again from the original model repository.")
            : new WhetError("chat_template_crashed", `Rendering the chat template crashed the renderer (${signal ?? `exit code ${code}`})`, "Fix the template by hand or copy it again from the original model repository."),
      });
      return;
    }
    // Died while starting or idle: whoever waits gets the reason, the next request a new child.
    if (queue.length > 0) failQueue(new WhetError("template_sandbox_failed", `Whetstone's chat-template renderer stopped (${signal ?? `exit code ${code}`})`, "Check that `node` runs and that lib/chat-template/sandbox-child.mjs is present, then try again."));
  }

  function failQueue(error: WhetError) {
    for (const pending of queue.splice(0)) pending.resolve({ state: "error", error });
  }

  function start() {
    const started = fork(script, [], {
      // Not the parent's flags (a TypeScript loader, inspector): a bare Node with a small heap.
      execArgv: [`--max-old-space-size=${heapMb}`, "--stack-size=984"],
      env: { NODE_ENV: "production" },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      serialization: "json",
    });
    child = started;
    ready = false;
    started.on("message", (reply: ChildReply) => onReply(started, reply));
    started.on("exit", (code, signal) => onExit(started, code, signal));
    started.on("error", () => {
      if (started === child) started.kill("SIGKILL");
    });
    startTimer = setTimeout(() => {
      if (started === child && !ready) started.kill("SIGKILL");
    }, startTimeoutMs);
    startTimer.unref();
  }

  function onReply(from: ChildProcess, reply: ChildReply) {
    if (from !== child) return;
    if ("ready" in reply) {
      ready = true;
      if (startTimer) clearTimeout(startTimer);
      startTimer = null;
      return pump();
    }
    if (!active || reply.id !== active.pending.id) return;
    if ("parseError" in reply) {
      return finish({ state: "error", error: new WhetError("chat_template_invalid", `The chat template does not parse: ${shorten(reply.parseError)}`, "Fix the template by hand or copy it again from the original model repository.") });
    }
    finish({
      state: "rendered",
      outcomes: reply.outcomes.map((o) => (o.state === "failed" ? { state: "failed", message: shorten(o.message) } : o)),
    });
  }

  function pump() {
    if (active) return;
    const pending = queue.shift();
    if (!pending) return hold(false);
    if (!child) start();
    hold(true);
    if (!ready) {
      queue.unshift(pending);
      return;
    }
    const timer = setTimeout(() => {
      if (!active || active.pending !== pending) return;
      active.timedOut = true;
      child?.kill("SIGKILL");
    }, timeoutMs);
    active = { pending, timer, timedOut: false };
    child?.send({ id: pending.id, template: pending.request.template, contexts: pending.request.contexts, maxChars });
  }

  return {
    render(request) {
      return new Promise((resolve) => {
        queue.push({ id: nextId++, request, resolve });
        pump();
      });
    },
    close() {
      child?.kill("SIGKILL");
    },
  };
}
