/** Decimal units as mlx-knife prints sizes (999B, 1.2KB, 2.1GB); `separator` goes between number and unit. */
export function formatBytes(bytes: number, separator = ""): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)}${separator}${units[unit]}`;
}
