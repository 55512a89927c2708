import { createInterface } from "node:readline";
import { join } from "node:path";
import { execa } from "execa";
import type { WhetConfig } from "../config";
import { parseBridgeLine, type BridgeEvent } from "./bridge-events";

export interface RunnerProcess {
  pid: number | undefined;
  /** Writes one command line; false once the process has gone. */
  send(command: Record<string, unknown>): boolean;
  /** Asks the bridge to leave, then terminates it if it does not within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill(): void;
  /** Resolves when the process has exited, with how (`detail`: which part of a group failed, in words). */
  exited: Promise<RunnerExit>;
  /** The last lines the bridge wrote to stderr (Python tracebacks land here). */
  stderrTail(): string[];
}

export interface RunnerExit {
  code: number | null;
  signal: string | null;
  detail?: string;
  /** In a group, the rank that brought it down. */
  rank?: number;
}

export interface StartRunnerOptions {
  modelPath: string;
  config: Pick<WhetConfig, "python" | "projectRoot">;
  onEvent: (event: BridgeEvent) => void;
}

/** How a runner's process is started: one bridge here (startRunnerProcess), or a group (lib/distributed/start-group.ts). */
export type StartRunnerProcess = (options: StartRunnerOptions) => RunnerProcess | Promise<RunnerProcess>;

const STDERR_LINES = 60;

/**
 * Starts python/runner_bridge.py for one model folder with the project's
 * Python. Its only channel is this pipe: no port is opened.
 */
export function startRunnerProcess(options: StartRunnerOptions): RunnerProcess {
  const { modelPath, config, onEvent } = options;
  const child = execa(config.python, [join(config.projectRoot, "python", "runner_bridge.py"), modelPath], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    // Its own process group: Ctrl-C at a terminal signals the whole foreground job, and a runner killed by it
    // would read as a crash; the parent stops the reply with a cancel instead (and its pipe's end stops the runner).
    detached: true,
    // Lines leave the bridge token by token; nothing may hold them back.
    env: {
      PYTHONUNBUFFERED: "1",
      HF_HUB_OFFLINE: "1",
      HF_HUB_DISABLE_TELEMETRY: "1",
      TRANSFORMERS_VERBOSITY: "error",
      TOKENIZERS_PARALLELISM: "false",
    },
  });
  const tail: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const event = parseBridgeLine(line);
    if (event) onEvent(event);
    else if (line.trim()) tail.push(`stdout: ${line}`);
  });
  createInterface({ input: child.stderr }).on("line", (line) => {
    tail.push(line);
    if (tail.length > STDERR_LINES) tail.shift();
  });
  // A write to a closed pipe (the process just died) must not crash Node.
  child.stdin.on("error", () => undefined);

  let gone = false;
  const exited = child.then((result) => {
    gone = true;
    // Python never started (a missing venv): say so in the words a person can act on.
    if (result.exitCode === undefined && result.signal === undefined) tail.push(`Error: cannot start ${config.python}: ${result.shortMessage}`);
    return { code: result.exitCode ?? null, signal: result.signal ?? null };
  });

  return {
    pid: child.pid,
    send(command) {
      if (gone || child.stdin.destroyed) return false;
      child.stdin.write(`${JSON.stringify(command)}\n`);
      return true;
    },
    async stop(graceMs = 3000) {
      if (gone) return;
      this.send({ op: "shutdown" });
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      child.kill("SIGKILL");
    },
    exited,
    stderrTail: () => [...tail],
  };
}
