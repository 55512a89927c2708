import { checkEnvironment } from "../../lib/doctor/check-environment";
import type { Command } from "../command";

export const doctorCommand: Command = {
  name: "doctor",
  summary: "Say what is installed and what is missing, with the command that fixes it",
  usage: "whet doctor [--json]",
  options: {},
  async run(_positionals, _values, { config }) {
    const checks = await checkEnvironment(config);
    const human = checks
      .map((c) => `${c.ok ? "✓" : "✗"} ${c.label.padEnd(28)} ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ""}`)
      .join("\n");
    return { ok: true, data: { checks, ok: checks.every((c) => c.ok) }, human };
  },
};
