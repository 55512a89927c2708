import { createInterface, type Interface } from "node:readline";
import { runCli } from "./main";

// Pipe-friendly: `whet list | head` must not print an EPIPE stack.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});

// Ctrl-C goes to whoever is listening (a reply to stop, a server to close); with no one listening it exits.
const interruptHandlers = new Set<() => void>();
function interrupt() {
  if (interruptHandlers.size === 0) process.exit(130);
  for (const handler of [...interruptHandlers]) handler();
}
process.on("SIGINT", interrupt);
process.on("SIGTERM", interrupt);

let rl: Interface | null = null;
let lines: AsyncIterator<string> | null = null;
async function readLine(prompt: string): Promise<string | null> {
  if (!rl || !lines) {
    rl = createInterface({ input: process.stdin, terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY), output: process.stdout });
    rl.on("SIGINT", interrupt);
    lines = rl[Symbol.asyncIterator]();
  }
  process.stdout.write(prompt);
  const next = await lines.next();
  return next.done ? null : next.value;
}

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readLine,
  terminal: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  onInterrupt: (handler) => {
    interruptHandlers.add(handler);
    return () => interruptHandlers.delete(handler);
  },
  ...(process.stderr.isTTY
    ? { progress: (line: string) => process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 80) - 1)}`) }
    : {}),
});
if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
process.exitCode = code;
// The chat prompt's reader would keep stdin, and so the process, open.
(rl as Interface | null)?.close();
