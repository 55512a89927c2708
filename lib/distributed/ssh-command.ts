/** A value as one word of a POSIX shell command line (ssh runs the remote command through the login shell). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** ssh's options for a command Whetstone runs on a host: keys only, never a prompt, 5 s to connect. */
export function sshArgs(host: string, command: readonly string[]): string[] {
  return ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", host, command.map(shellQuote).join(" ")];
}
