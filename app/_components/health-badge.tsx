export function HealthBadge({ healthy }: { healthy: boolean }) {
  return (
    <span
      data-testid="health-badge"
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ${
        healthy ? "bg-emerald-100 text-emerald-800" : "bg-red-100 text-red-800"
      }`}
    >
      {healthy ? "healthy" : "unhealthy"}
    </span>
  );
}
