import { checkEnvironment, type EnvironmentCheck } from "../../lib/doctor/check-environment";
import type { Command } from "../command";

function renderChecks(checks: EnvironmentCheck[]): string {
  return checks.map((c) => `${c.ok ? "✓" : "✗"} ${c.label.padEnd(28)} ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ""}`).join("\n");
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "Say what is installed and what is missing, with the command that fixes it",
  usage: "whet doctor [--json]",
  options: {},
  async run(_positionals, _values, { config }) {
    const checks = await checkEnvironment(config);
    return { ok: true, data: { checks, ok: checks.every((c) => c.ok) }, human: renderChecks(checks) };
  },
  /** The remote machine's environment, as its Doctor page shows it. */
  async remote(_positionals, _values, { client }) {
    const checks = await client.system.doctor.query();
    return { ok: true, data: { checks, ok: checks.every((c) => c.ok) }, human: renderChecks(checks) };
  },
};
