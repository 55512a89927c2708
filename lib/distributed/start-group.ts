import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import type { WhetConfig } from "../config";
import { parseBridgeLine, type BridgeEvent } from "../runner/bridge-events";
import type { RunnerProcess } from "../runner/runner-process";
import { freePortBlock } from "./free-ports";
import { formatHostfile } from "./hostfile";
import type { GroupPlan } from "./plan-check";
import { processStats } from "./process-stats";
import { rankFailure } from "./rank-failure";

const TAIL_LINES = 200;
/** After rank 0's channel closes on its own, how long the launcher gets to wind the group down before it is killed. */
const WIND_DOWN_MS = 5_000;
/** How long mlx.launch gets to reap ranks that were killed before it is killed too. */
const REAP_MS = 2_000;

// mlx.launch's console script, run with the project's Python so it need not sit beside it on PATH.
const MLX_LAUNCH = "import sys; from mlx._distributed_utils.launch import main; sys.argv[0] = 'mlx.launch'; sys.exit(main())";

/** Every group still running, killed whole if this process exits without stopping them. */
const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Ends a group so that nothing is left, not even zombies: the ranks first, so
 * that mlx.launch sees them go and reaps them, then (if it has not left by
 * then) everything in the group at once.
 */
async function endGroup(pid: number | undefined, launcherExited: Promise<unknown>): Promise<void> {
  if (pid === undefined) return;
  for (const member of await processStats({ pgid: pid })) {
    if (member.pid === pid) continue;
    try {
      process.kill(member.pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  const timer = setTimeout(() => killGroup(pid), REAP_MS);
  await launcherExited;
  clearTimeout(timer);
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of live) killGroup(pid);
  });
}

function signalName(code: number): string | null {
  const entry = Object.entries(constants.signals).find(([, n]) => n === -code);
  return entry ? entry[0] : null;
}

/**
 * Starts a model across a group with mlx.launch (ring backend) and returns it
 * as a RunnerProcess, so the model runner drives it exactly like a local one.
 *
 * The launcher leads its own process group (every local rank is in it), and
 * stopping means killing that group: nothing is left behind. Rank 0 connects
 * back to a Unix socket in a private folder (0700) and speaks the runner
 * protocol on it; the launcher's own stdio carries only logs. One newline on
 * the launcher's stdin, once the ranks have closed theirs, makes mlx.launch
 * drop them from its poll loop, which otherwise spins a core for the group's
 * whole life.
 */
export async function startGroupProcess(options: {
  plan: GroupPlan;
  modelPath: string;
  config: Pick<WhetConfig, "python" | "projectRoot">;
  onEvent: (event: BridgeEvent) => void;
}): Promise<RunnerProcess> {
  const { plan, modelPath, config, onEvent } = options;
  const rank0 = plan.hostfile.hosts[0]?.ips[0] ?? "127.0.0.1";
  const ringPorts = plan.hostfile.hosts.reduce((n, h) => n + h.ips.length, 0);
  const base = await freePortBlock(ringPorts + 1, rank0);
  const dir = await mkdtemp(join(tmpdir(), "whet-group-"));
  const socketPath = join(dir, "control.sock");
  const hostfilePath = join(dir, "hostfile.json");
  const server = createServer();
  try {
    if (!plan.local) await writeFile(hostfilePath, formatHostfile(plan.hostfile));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const env = [
    `WHET_CONTROL_SOCKET=${socketPath}`,
    `WHET_WAKE_PORT=${base + ringPorts}`,
    `WHET_GROUP_TOKEN=${randomBytes(16).toString("hex")}`,
    // Ranks with their own partial copies (pipeline): each loads its own.
    ...(plan.rankModels ? [`WHET_RANK_MODEL_DIRS=${JSON.stringify(plan.rankModels.paths)}`] : []),
    "PYTHONUNBUFFERED=1",
    "HF_HUB_OFFLINE=1",
    "HF_HUB_DISABLE_TELEMETRY=1",
    "TRANSFORMERS_VERBOSITY=error",
    "TOKENIZERS_PARALLELISM=false",
  ];
  const child = execa(
    config.python,
    [
      "-c",
      MLX_LAUNCH,
      "--backend",
      "ring",
      ...(plan.local ? ["-n", String(plan.ranks)] : ["--hostfile", hostfilePath]),
      "--starting-port",
      String(base),
      "--python",
      config.python,
      ...env.flatMap((e) => ["--env", e]),
      "--",
      join(config.projectRoot, "python", "distributed_bridge.py"),
      modelPath,
      plan.mode,
    ],
    { detached: true, stdin: "pipe", stdout: "pipe", stderr: "pipe", buffer: false, reject: false },
  );
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  installExitHook();
  child.stdin.on("error", () => undefined);
  const releaseLauncherPoll = () => {
    if (!child.stdin.destroyed) child.stdin.write("\n");
  };

  const tail: string[] = [];
  const log = (line: string) => {
    // mlx.launch colours its warnings; the tail is read by people and by rankFailure.
    tail.push(line.replace(/\x1b\[[0-9;]*m/g, "").trimEnd());
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stdout }).on("line", log);
  createInterface({ input: child.stderr }).on("line", log);

  let control: Socket | null = null;
  let gone = false;
  let windDown: NodeJS.Timeout | null = null;
  server.on("connection", (socket) => {
    if (control) return void socket.destroy();
    control = socket;
    server.close();
    releaseLauncherPoll();
    socket.on("error", () => undefined);
    createInterface({ input: socket }).on("line", (line) => {
      const event = parseBridgeLine(line);
      if (!event) return void (line.trim() && log(`rank 0: ${line.slice(0, 500)}`));
      if (event.type === "ready") releaseLauncherPoll();
      onEvent(event);
    });
    socket.on("close", () => {
      if (!gone) windDown = setTimeout(() => void endGroup(pid, exited), WIND_DOWN_MS);
    });
  });

  const exited = child.then((result) => {
    gone = true;
    if (windDown) clearTimeout(windDown);
    // Whatever mlx.launch left (a rank stuck in a collective) goes with the group.
    killGroup(pid);
    if (pid !== undefined) live.delete(pid);
    server.close();
    control?.destroy();
    void rm(dir, { recursive: true, force: true });
    if (result.exitCode === undefined && result.signal === undefined) tail.push(`Error: cannot start ${config.python}: ${result.shortMessage}`);
    // mlx.launch exits 0 whatever its ranks did: the first rank that failed says what happened.
    const failed = rankFailure(tail);
    if (failed) {
      const signal = failed.code !== null && failed.code < 0 ? signalName(failed.code) : null;
      const how = signal ? `killed by ${signal}` : failed.code !== null ? `exit code ${failed.code}` : null;
      // Rank 0 is the runner itself; any other rank is a peer the group lost.
      const detail = failed.rank === 0 ? `rank 0 failed${how ? ` (${how})` : ""}` : `rank ${failed.rank} of the group left${how ? ` (${how})` : ""}`;
      return { code: failed.code, signal, detail, rank: failed.rank };
    }
    return { code: result.exitCode ?? null, signal: result.signal ?? null };
  });

  const send = (command: Record<string, unknown>): boolean => {
    if (gone || !control || control.destroyed || !control.writable) return false;
    control.write(`${JSON.stringify(command)}\n`);
    return true;
  };

  return {
    pid,
    send,
    async stop(graceMs = 5000) {
      if (gone) return;
      // Before rank 0 has connected there is nobody to ask: the group goes at once.
      if (!send({ op: "shutdown" })) return endGroup(pid, exited);
      control?.end();
      const timer = setTimeout(() => void endGroup(pid, exited), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill() {
      void endGroup(pid, exited);
    },
    exited,
    stderrTail: () => [...tail],
  };
}
