import type { WhetConfig } from "../../lib/config";
import type { HealthReport } from "../../lib/health/check-model";
import { WhetError } from "../../lib/errors";
import type { CommandContext, CommandOutcome } from "../command";

export interface ConvertModeArgs {
  source: string;
  target: string;
  values: Record<string, string | boolean | undefined>;
  config: WhetConfig;
  skipHealth: boolean;
  ctx: Pick<CommandContext, "config" | "progress" | "onInterrupt">;
}

/** One `convert` mode (--repair-index, --quantize, ...): runs it and shapes the result. */
export type ConvertMode = (args: ConvertModeArgs) => Promise<CommandOutcome>;

/**
 * The common end of every mode: mlx-knife's convert fields plus the mode's own,
 * and a HealthCheckFailed error (exit 1) when the output is not healthy.
 */
export function convertOutcome(params: {
  source: string;
  target: string;
  mode: string;
  message: string;
  health: HealthReport | null;
  warning?: string;
  extra: Record<string, unknown>;
  lines: string[];
}): CommandOutcome {
  const { source, target, mode, message, health, warning, extra, lines } = params;
  const data = {
    source,
    target,
    mode,
    health_check: health !== null,
    ...(health ? { health_status: health.healthy ? "healthy" : "unhealthy", health_reason: health.reason } : {}),
    message,
    ...(warning ? { warning } : {}),
    ...extra,
    findings: health?.findings ?? [],
  };
  const human = [`convert: ${source} → ${target}`, `Mode: ${mode}`, ...(warning ? [`⚠ ${warning}`] : []), message, ...lines];
  if (health && !health.healthy) {
    const error = new WhetError("HealthCheckFailed", `Output workspace failed health check: ${health.reason}`, `Run whet health ${target} for the details.`);
    return { ok: false, error, data, human: [...human, `✗ Health check: ${health.reason}`].join("\n") };
  }
  return { ok: true, data, human: [...human, health ? "✓ Health check: passed" : "Health check skipped"].join("\n") };
}
