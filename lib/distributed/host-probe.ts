import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { z } from "zod";
import type { WhetConfig } from "../config";
import { isLocalHost, type Host } from "./hostfile";
import { sshArgs } from "./ssh-command";

/** What python/distributed_probe.py reports about one machine. */
export const hostProbeSchema = z.object({
  python: z.string().max(64),
  mlx: z.string().max(64).nullable(),
  mlx_lm: z.string().max(64).nullable(),
  memory_bytes: z.number().int().nonnegative().max(2 ** 60).nullable(),
  model_present: z.boolean(),
  bridge_present: z.boolean(),
  support: z.object({ tensor: z.boolean(), pipeline: z.boolean() }).nullable(),
  support_error: z.string().max(400).nullable(),
});

export type HostProbe = z.infer<typeof hostProbeSchema>;

export type ProbeResult = { ok: true; probe: HostProbe } | { ok: false; reason: string };

export type ProbeHost = (host: Host, modelPath: string) => Promise<ProbeResult>;

const PROBE_TIMEOUT_MS = 30_000;

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.slice(0, 300) ?? "";
}

/**
 * Runs the probe with the project's Python: here for this machine, over ssh
 * (keys only, no prompt, 5 s to connect) for another host of a hostfile,
 * where mlx.launch will start the same Python path.
 */
export function hostProber(config: Pick<WhetConfig, "python" | "projectRoot">): ProbeHost {
  const script = join(config.projectRoot, "python", "distributed_probe.py");
  const bridge = join(config.projectRoot, "python", "distributed_bridge.py");
  return async (host, modelPath) => {
    const result = isLocalHost(host)
      ? await execa(config.python, [script, modelPath, bridge], { reject: false, timeout: PROBE_TIMEOUT_MS, env: { TRANSFORMERS_VERBOSITY: "error" } })
      : await execa("ssh", sshArgs(host.ssh, [config.python, "-", modelPath, bridge]), {
          reject: false,
          timeout: PROBE_TIMEOUT_MS,
          input: await readFile(script, "utf8"),
        });
    if (result.timedOut) return { ok: false, reason: `no answer within ${PROBE_TIMEOUT_MS / 1000} s` };
    if (result.exitCode !== 0) return { ok: false, reason: lastLine(String(result.stderr ?? "")) || `exit code ${result.exitCode ?? "unknown"}` };
    let value: unknown;
    try {
      value = JSON.parse(lastLine(String(result.stdout ?? "")));
    } catch {
      return { ok: false, reason: "the probe's answer was not JSON" };
    }
    const parsed = hostProbeSchema.safeParse(value);
    return parsed.success ? { ok: true, probe: parsed.data } : { ok: false, reason: "the probe's answer did not have the expected fields" };
  };
}
