import type { ParseArgsConfig } from "node:util";
import type { WhetConfig } from "../lib/config";
import type { WhetError } from "../lib/errors";
import type { RemoteClient } from "./remote/remote-client";
import type { RemoteTarget } from "./remote/remote-target";

export interface CommandContext {
  config: WhetConfig;
  json: boolean;
  /** Progress lines for people (stderr); silent under --json. */
  progress: (line: string) => void;
  /** Live stdout: streamed tokens for people, or a long-running command's JSON status line under --json. */
  write?: (text: string) => void;
  /** Notes for people on stderr (reply statistics); absent under --json. */
  note?: (text: string) => void;
  /** Reads one line from the terminal; null at end of input. Absent when there is no stdin to read. */
  readLine?: (prompt: string) => Promise<string | null>;
  /** One line of standard input, without a prompt, under --json too (`--password-stdin`). */
  readInput?: () => Promise<string | null>;
  /** Calls `handler` on Ctrl-C (and SIGTERM) instead of exiting; returns a function that removes it. */
  onInterrupt?: (handler: () => void) => () => void;
  /** A person is at a terminal (stdin and stderr are TTYs) and can answer a question. */
  terminal?: boolean;
}

/** What a command hands back: data for the envelope and text for people. */
export type CommandOutcome =
  /** `exitCode` for commands whose success has several outcomes (`whet repair`: 2 nothing to repair, 3 nothing repairable). */
  | { ok: true; data: unknown; human: string; exitCode?: number }
  /** An operation that ran but failed (exit 1), with whatever data it produced. */
  | { ok: false; error: WhetError; data: unknown; human: string };

/** A command run against a remote Whetstone (`--remote`, `WHET_URL`): its tRPC API, as the token allows. */
export interface RemoteContext extends CommandContext {
  client: RemoteClient;
  target: RemoteTarget;
}

type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(positionals: string[], values: Values, ctx: CommandContext): Promise<CommandOutcome>;
  /**
   * The same command against a remote Whetstone, with the same output; or why
   * it cannot run there and what to do instead. Absent: it manages this machine only.
   */
  remote?: ((positionals: string[], values: Values, ctx: RemoteContext) => Promise<CommandOutcome>) | { refuse: string; hint: string };
}

/** A usage error: exit 2, like argparse. */
export class UsageError extends Error {}
