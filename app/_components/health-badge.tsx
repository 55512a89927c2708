/** What a person should take from a health report: it will not load, it works with warnings, or it is healthy. */
export function HealthBadge({ healthy, findings = [] }: { healthy: boolean; findings?: readonly { severity: string }[] }) {
  const warned = healthy && findings.some((f) => f.severity === "degrades-output");
  const [label, tone] = !healthy
    ? ["unhealthy", "bg-red-100 text-red-800"]
    : warned
      ? ["works, with warnings", "bg-amber-100 text-amber-800"]
      : ["healthy", "bg-emerald-100 text-emerald-800"];
  return (
    <span data-testid="health-badge" data-health={!healthy ? "unhealthy" : warned ? "warnings" : "healthy"} className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ${tone}`}>
      {label}
    </span>
  );
}
