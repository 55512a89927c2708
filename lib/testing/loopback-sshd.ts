import { chmod, copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { freePortBlock } from "../distributed/free-ports";
import { pathExists } from "../fs/path-exists";

const SSHD = "/usr/sbin/sshd";
const START_TIMEOUT_MS = 10_000;

export interface LoopbackSshd {
  /** The address the "other host" answers ssh on; a hostfile names it as its ssh host and its ip. */
  host: string;
  pid: number;
  /** A PATH whose `ssh` reaches `host` with this sshd's key, no prompt and no known_hosts entry. */
  path: string;
  /** Logins sshd accepted so far. */
  logins(): number;
  close(): Promise<void>;
}

/**
 * A second machine for the multi-host tests: an sshd of its own on
 * 127.0.0.2 (loopback only), with its own host key, one authorized key and
 * its config in `dir`. mlx.launch and the plan check run plain `ssh HOST`,
 * as for a real machine; only the `ssh` on the returned PATH adds `-F` with
 * this sshd's port and key. `env` is set for every session there (its own
 * HF_HUB_CACHE makes it a host with its own cache). Needs /usr/sbin/sshd (npm run setup installs
 * openssh-server on Linux): without it this throws, so the test fails
 * rather than skips.
 */
export async function startLoopbackSshd(dir: string, options: { env?: Record<string, string> } = {}): Promise<LoopbackSshd> {
  if (!(await pathExists(SSHD))) throw new Error(`${SSHD} is missing: run npm run setup, which installs openssh-server`);
  const host = "127.0.0.2";
  const port = await freePortBlock(1, host);
  for (const key of ["host_key", "client_key"]) await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, key)]);
  await copyFile(join(dir, "client_key.pub"), join(dir, "authorized_keys"));
  const sshdConfig = join(dir, "sshd_config");
  await writeFile(
    sshdConfig,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      // The temp folder is not the user's home: sshd's ownership checks on it do not apply.
      "StrictModes no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      ...Object.entries(options.env ?? {}).map(([key, value]) => `SetEnv ${key}=${value}`),
      "",
    ].join("\n"),
  );
  const sshConfig = join(dir, "ssh_config");
  await writeFile(
    sshConfig,
    [`Host ${host}`, `  Port ${port}`, `  IdentityFile ${join(dir, "client_key")}`, "  IdentitiesOnly yes", "  StrictHostKeyChecking no", "  UserKnownHostsFile /dev/null", "  LogLevel ERROR", ""].join("\n"),
  );
  const realSsh = (await execa("sh", ["-c", "command -v ssh"])).stdout.trim();
  const bin = join(dir, "bin");
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, "ssh"), `#!/bin/sh\nexec ${realSsh} -F ${sshConfig} "$@"\n`);
  await chmod(join(bin, "ssh"), 0o755);

  // Run as root, sshd insists on its privilege separation directory (setup makes it; so does this, harmlessly).
  if (process.getuid?.() === 0) await mkdir("/run/sshd", { recursive: true });
  const sshd = execa(SSHD, ["-D", "-e", "-f", sshdConfig], { reject: false, buffer: false, stdin: "ignore" });
  const log: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not listen within ${START_TIMEOUT_MS / 1000} s: ${log.join(" | ")}`)), START_TIMEOUT_MS);
    sshd.stderr?.on("data", (chunk: Buffer) => {
      log.push(...chunk.toString().split("\n").filter(Boolean));
      if (log.some((l) => l.startsWith("Server listening on"))) {
        clearTimeout(timer);
        resolve();
      }
    });
    void sshd.then((result) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${result.exitCode ?? result.signal}): ${log.join(" | ")}`));
    });
  });
  await listening;
  return {
    host,
    pid: sshd.pid as number,
    path: `${bin}:${process.env.PATH ?? ""}`,
    logins: () => log.filter((l) => l.startsWith("Accepted publickey")).length,
    async close() {
      sshd.kill("SIGTERM");
      await sshd;
    },
  };
}
