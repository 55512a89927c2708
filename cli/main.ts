import { parseArgs } from "node:util";
import { getConfig } from "../lib/config";
import { toWhetError, WhetError } from "../lib/errors";
import { UsageError, type Command, type CommandOutcome } from "./command";
import { errorEnvelope, successEnvelope, type Envelope } from "./envelope";

/** Each command is imported only when it runs, so `whet health` does not load the chat runner or the Hub client. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import("./commands/list")).listCommand,
  show: async () => (await import("./commands/show")).showCommand,
  health: async () => (await import("./commands/health")).healthCommand,
  clone: async () => (await import("./commands/clone")).cloneCommand,
  pull: async () => (await import("./commands/pull")).pullCommand,
  convert: async () => (await import("./commands/convert")).convertCommand,
  search: async () => (await import("./commands/search")).searchCommand,
  doctor: async () => (await import("./commands/doctor")).doctorCommand,
  rm: async () => (await import("./commands/rm")).rmCommand,
  rename: async () => (await import("./commands/rename")).renameCommand,
  repair: async () => (await import("./commands/repair")).repairCommand,
  push: async () => (await import("./commands/push")).pushCommand,
  run: async () => (await import("./commands/run")).runCommand,
  serve: async () => (await import("./commands/serve")).serveCommand,
  users: async () => (await import("./commands/users")).usersCommand,
  tokens: async () => (await import("./commands/tokens")).tokensCommand,
  audit: async () => (await import("./commands/audit")).auditCommand,
  jobs: async () => (await import("./commands/jobs")).jobsCommand,
  remote: async () => (await import("./commands/remote")).remoteCommand,
};

/** `--remote NAME` (or `--remote=NAME`) anywhere: taken out before the command's own flags are read. */
function takeRemoteFlag(argv: string[]): { argv: string[]; remote: string | null | undefined } {
  const rest: string[] = [];
  let remote: string | null | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--remote") {
      const value = argv[i + 1];
      remote = value && !value.startsWith("-") ? value : null;
      if (remote) i++;
    } else if (arg.startsWith("--remote=")) remote = arg.slice("--remote=".length) || null;
    else rest.push(arg);
  }
  return { argv: rest, remote };
}

async function help(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return [
    "whet — a workbench for MLX models",
    "",
    "Usage: whet [--remote NAME] COMMAND [ARGS] [--json]",
    "",
    ...commands.map((c) => `  ${c.usage.padEnd(64)} ${c.summary}`),
    "",
    "Every command takes --json and prints {\"status\",\"command\",\"data\",\"error\"}.",
    "--remote NAME (or WHET_REMOTE, or WHET_URL with WHET_TOKEN) runs list, health, show, doctor, search, pull, clone, push, run (one prompt) and jobs on a remote Whetstone.",
    "Exit codes: 0 success, 1 operation error, 2 usage error.",
  ].join("\n");
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Live progress for a terminal; absent when stderr is not one. */
  progress?: (line: string) => void;
  readLine?: (prompt: string) => Promise<string | null>;
  onInterrupt?: (handler: () => void) => () => void;
  /** stdin and stderr are a terminal. */
  terminal?: boolean;
}

/** Runs one CLI invocation and returns its exit code; all output goes through `io`. */
export async function runCli(fullArgv: string[], io: CliIo): Promise<number> {
  const { argv, remote: remoteFlag } = takeRemoteFlag(fullArgv);
  const json = argv.includes("--json");
  const name = argv.find((a) => !a.startsWith("-"));
  const print = (envelope: Envelope) => io.stdout(`${JSON.stringify(envelope, null, 2)}\n`);
  const usageError = (command: string | null, message: string) => {
    if (json) print(errorEnvelope(command, new WhetError("usage_error", message, "Run `whet --help` for usage.")));
    else io.stderr(`${command ?? "whet"}: ${message}\nRun \`whet --help\` for usage.\n`);
    return 2;
  };

  if (remoteFlag === null) return usageError(name ?? null, "--remote needs the name of a remote (see `whet remote list`)");
  if (!name) {
    if (argv.includes("--help") || argv.includes("-h")) {
      io.stdout(`${await help()}\n`);
      return 0;
    }
    if (argv.includes("--version")) {
      io.stdout(json ? `${JSON.stringify(successEnvelope("version", { cli_version: "0.1.0", json_api_spec_version: "0.2.3" }))}\n` : "whet 0.1.0\n");
      return 0;
    }
    return usageError(null, "No command specified");
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) return usageError(null, `Unknown command '${name}'`);
  const command = await load();

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.filter((a, i) => i !== argv.indexOf(name)),
      options: { ...command.options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError(name, (error as Error).message);
  }
  if (parsed.values.help) {
    io.stdout(`${command.usage}\n\n${command.summary}\n`);
    return 0;
  }

  // An empty line clears the progress line (before a reply starts streaming under it).
  const progress = json || !io.progress ? () => undefined : (line: string) => io.progress?.(line ? `${name}: ${line}` : "");
  try {
    const config = getConfig();
    const live = json ? { write: io.stdout } : { write: io.stdout, note: io.stderr, ...(io.readLine ? { readLine: io.readLine } : {}) };
    const readLine = io.readLine;
    const input = readLine ? { readInput: () => readLine("") } : {};
    const ctx = {
      config,
      json,
      progress,
      ...live,
      ...input,
      ...(io.onInterrupt ? { onInterrupt: io.onInterrupt } : {}),
      terminal: !json && io.terminal === true,
    };
    const values = parsed.values as Record<string, string | boolean | undefined>;
    // `whet remote` manages the list of remotes on this machine, whatever WHET_REMOTE says.
    const { resolveRemote } = await import("./remote/remote-target");
    const target = name === "remote" ? null : await resolveRemote(remoteFlag ?? null, config);
    let outcome: CommandOutcome;
    if (!target) outcome = await command.run(parsed.positionals, values, ctx);
    else if (typeof command.remote !== "function") {
      const refusal = command.remote ?? { refuse: `whet ${name} manages this machine only`, hint: `Run it on the machine where ${target.label}'s Whetstone runs, or drop --remote (and unset WHET_REMOTE / WHET_URL).` };
      throw new WhetError("not_remote", `whet ${name} cannot run on a remote Whetstone (${target.label}): ${refusal.refuse}`, refusal.hint);
    } else {
      const { remoteClient, remoteError } = await import("./remote/remote-client");
      try {
        outcome = await command.remote(parsed.positionals, values, { ...ctx, client: remoteClient(target), target });
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw remoteError(error, target);
      }
    }
    if (outcome.ok) {
      if (json) print(successEnvelope(name, outcome.data));
      else io.stdout(`${outcome.human}\n`);
      return outcome.exitCode ?? 0;
    }
    if (json) print(errorEnvelope(name, outcome.error, outcome.data));
    else io.stderr(`${outcome.human}\n${name}: Error: ${outcome.error.message}\n  ${outcome.error.hint}\n`);
    return 1;
  } catch (error) {
    if (error instanceof UsageError) return usageError(name, error.message);
    const whet = toWhetError(error);
    if (json) print(errorEnvelope(name, whet));
    else io.stderr(`${name}: Error: ${whet.message}\n  ${whet.hint}\n`);
    return 1;
  }
}
