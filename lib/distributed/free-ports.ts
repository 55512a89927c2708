import { createServer } from "node:net";
import { WhetError } from "../errors";

const LOW = 20_000;
const HIGH = 60_000;
const ATTEMPTS = 40;

function tryListen(port: number, host: string): Promise<"free" | "busy" | "not-here"> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRNOTAVAIL" ? "not-here" : "busy"));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve("free")));
  });
}

/**
 * `count` consecutive ports free on `host`: mlx.launch's ring takes one per
 * rank address from `--starting-port` up, and the group's wake port follows.
 * A fixed default (mlx.launch's 32323) would collide with a second group or
 * a test running beside this one. `host` must be an address of this machine.
 */
export async function freePortBlock(count: number, host: string, random: () => number = Math.random): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const base = LOW + Math.floor(random() * (HIGH - LOW - count));
    let free = true;
    for (let port = base; port < base + count && free; port++) {
      const state = await tryListen(port, host);
      if (state === "not-here") {
        throw new WhetError("hostfile_rank0_address", `${host} is not an address of this machine, so rank 0 cannot listen on it`, "Set rank 0's \"ips\" to an address of this machine that the other hosts can reach.");
      }
      free = state === "free";
    }
    if (free) return base;
  }
  throw new WhetError("ports_unavailable", `No ${count} consecutive free ports were found on ${host}`, "Stop other distributed groups or servers and try again.");
}
