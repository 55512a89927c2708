import type { AuditLog, AuditResult } from "../../lib/auth/audit-log";
import { targetOf, type Rule } from "./permissions";
import type { Principal } from "./principal";

/** Writes one state-changing tRPC call to the audit log, named as its rule says (or by its path). */
export function recordProcedure(
  audit: AuditLog,
  rule: Rule,
  call: { path: string; principal: Principal; address: string; input: unknown; result: AuditResult; detail: string },
): void {
  if (rule.audit === false) return;
  const input = call.input && typeof call.input === "object" ? (call.input as Record<string, unknown>) : {};
  const { action, target } =
    typeof rule.audit === "function" ? rule.audit(input) : { action: rule.audit ?? call.path, target: targetOf(input) };
  audit.record({ user: call.principal.name, address: call.address, action, target, result: call.result, detail: call.detail });
}
