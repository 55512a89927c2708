/** A count as the Hub shows it: 999, 1.2k, 120k, 1.2M, 3.4B. */
export function formatCount(value: number): string {
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, unit] of units) {
    // Rounding can carry into the next unit (999,950 is 1.0M, not 1000k).
    if (Math.abs(value) >= size * 0.9995) {
      const scaled = value / size;
      const shown = scaled >= 100 ? Math.round(scaled).toString() : scaled.toFixed(1).replace(/\.0$/, "");
      return shown === "1000" && unit !== "B" ? formatCount(size * 1000) : `${shown}${unit}`;
    }
  }
  return String(Math.round(value));
}
