import { isIP } from "node:net";
import { z } from "zod";
import { WhetError } from "../errors";
import { parseJsonText } from "../fs/parse-json-text";

/** Machines an mlx.launch group may span; far beyond any team's rack, small enough to bound every loop. */
export const MAX_HOSTS = 64;
const MAX_HOSTFILE_BYTES = 256 * 1024;

/** mlx.launch runs a rank on this machine, without ssh, only when its host is written exactly so. */
export const LOCAL_HOST = "127.0.0.1";

/** An ssh destination as mlx.launch's hostfile names it: never an option, never a command. */
export const sshHostSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, "an ssh host is a name or address (letters, digits, '.', '-', '_', '@')");
const ip = z.string().refine((v) => isIP(v) !== 0, "each entry of ips must be an IPv4 or IPv6 address");
const envEntry = z.string().max(4096).regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "each env entry is NAME=value");

const hostSchema = z.object({
  ssh: sshHostSchema,
  ips: z.array(ip).max(8).default([]),
  // Written by mlx.distributed_config for JACCL; the ring backend ignores it.
  rdma: z.unknown().optional(),
});

const fileSchema = z.union([
  z.array(hostSchema).min(1).max(MAX_HOSTS),
  z.object({
    backend: z.string().max(32).optional(),
    envs: z.array(envEntry).max(32).default([]),
    hosts: z.array(hostSchema).min(1).max(MAX_HOSTS),
  }),
]);

export interface Host {
  ssh: string;
  ips: string[];
}

/** A group's machines, one rank per entry, in rank order (mlx.launch's hostfile, read for the ring backend). */
export interface Hostfile {
  hosts: Host[];
  envs: string[];
}

export function isLocalHost(host: Host): boolean {
  return host.ssh === LOCAL_HOST;
}

/**
 * Reads an mlx.launch hostfile: a list of `{ssh, ips}` or the object
 * `mlx.distributed_config` writes (`{backend, envs, hosts}`), whose JACCL
 * fields are dropped. Whetstone always launches the ring backend, which
 * talks over the `ips`, so every host needs one; rank 0 must be this machine,
 * because the app's channel to it is a local socket.
 */
export function parseHostfile(text: string): Hostfile {
  if (Buffer.byteLength(text) > MAX_HOSTFILE_BYTES) {
    throw new WhetError("hostfile_invalid", `The hostfile is larger than ${MAX_HOSTFILE_BYTES / 1024} KiB`, "A hostfile lists a few machines: check that this is the right file.");
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new WhetError("hostfile_invalid", `The hostfile ${json.problem}`, "Write it as mlx.launch expects: [{\"ssh\": \"host\", \"ips\": [\"10.0.0.2\"]}, ...].");
  const parsed = fileSchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (at ${issue.path.join(".")})` : "";
    throw new WhetError("hostfile_invalid", `The hostfile does not match mlx.launch's format${where}: ${issue?.message ?? "invalid"}`, "Each host is {\"ssh\": \"name\", \"ips\": [\"address\"]}; `mlx.distributed_config --output-hostfile` writes one.");
  }
  const value = parsed.data;
  const hosts = (Array.isArray(value) ? value : value.hosts).map((h) => ({ ssh: h.ssh, ips: h.ips }));
  const envs = Array.isArray(value) ? [] : value.envs;
  const missing = hosts.findIndex((h) => h.ips.length === 0);
  if (missing >= 0) {
    throw new WhetError("hostfile_invalid", `Host ${missing} (${hosts[missing]?.ssh}) has no ips: the ring backend connects ranks by address`, "Add the address the other machines reach it on, e.g. \"ips\": [\"192.168.1.20\"].");
  }
  if (!isLocalHost(hosts[0] as Host)) {
    throw new WhetError(
      "hostfile_rank0_remote",
      `Rank 0 is ${hosts[0]?.ssh}, not this machine`,
      `Put this machine first, with "ssh": "${LOCAL_HOST}" and "ips" set to the address the others reach it on: the app talks to rank 0 through a local socket.`,
    );
  }
  return { hosts, envs };
}

/** The hostfile as mlx.launch reads it, for the file handed to `--hostfile`. */
export function formatHostfile(hostfile: Hostfile): string {
  return `${JSON.stringify({ backend: "ring", envs: hostfile.envs, hosts: hostfile.hosts.map((h) => ({ ssh: h.ssh, ips: h.ips })) }, null, 2)}\n`;
}

/** `-n N` on this machine, written as the hostfile mlx.launch would build for it. */
export function localHostfile(ranks: number): Hostfile {
  return { hosts: Array.from({ length: ranks }, () => ({ ssh: LOCAL_HOST, ips: [LOCAL_HOST] })), envs: [] };
}
