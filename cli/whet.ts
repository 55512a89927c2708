import { runCli } from "./main";

// Pipe-friendly: `whet list | head` must not print an EPIPE stack.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
});

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  ...(process.stderr.isTTY
    ? { progress: (line: string) => process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 80) - 1)}`) }
    : {}),
});
if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
process.exitCode = code;
