export interface RankFailure {
  rank: number;
  /** The exit code mlx.launch logged for it: negative for the signal that killed it; null when it logged none. */
  code: number | null;
}

const LAUNCHER_LINE = /Node with rank (\d{1,4}) exited with code (-?\d{1,4})/;
const RANK0_LINE = /^\[whet\] rank (\d{1,4}) of the group left/;

/**
 * Which rank brought the group down, from the group's log. Rank 0 names a
 * rank that left ("[whet] rank 1 of the group left ...") and then exits on
 * purpose, so mlx.launch may log rank 0 first; without that line, a rank a
 * signal killed ("[WARN] Node with rank 1 exited with code -9": the others
 * only noticed a lost peer and exited after it), else the first to fail.
 */
export function rankFailure(lines: readonly string[]): RankFailure | null {
  const codes = new Map<number, number>();
  let first: number | null = null;
  let named: number | null = null;
  for (const line of lines) {
    const launcher = LAUNCHER_LINE.exec(line);
    if (launcher && Number(launcher[2]) !== 0) {
      codes.set(Number(launcher[1]), Number(launcher[2]));
      first ??= Number(launcher[1]);
    }
    const left = RANK0_LINE.exec(line);
    if (left) named ??= Number(left[1]);
  }
  const killed = [...codes].find(([, code]) => code < 0)?.[0] ?? null;
  const rank = named ?? killed ?? first;
  return rank === null ? null : { rank, code: codes.get(rank) ?? null };
}
