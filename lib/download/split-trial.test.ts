import { describe, expect, it } from "vitest";
import { splitTrial } from "./split-trial";

/** Feeds a trial samples every 250 ms at `rate` bytes per ms from `from` to `to`, asking at each one whether a split may happen. */
function run(trial: ReturnType<typeof splitTrial>, state: { t: number; bytes: number }, to: number, rate: number, running: number, tick = 250): boolean[] {
  const answers: boolean[] = [];
  for (; state.t <= to; state.t += tick) {
    trial.sample(state.t, state.bytes);
    answers.push(trial.maySplit(state.t, running));
    state.bytes += rate * tick;
  }
  return answers;
}

describe("splitTrial", () => {
  it("splits once after a second of rate, then keeps splitting only when the rate rose", () => {
    for (const [after, verdict] of [
      [125, true], // 4 → 5 connections at a per-connection cap: +25%
      [104, false], // the machine was the limit: +4%
    ] as const) {
      const trial = splitTrial();
      const state = { t: 0, bytes: 0 };
      expect(run(trial, state, 750, 100, 4)).toEqual([false, false, false, false]);
      expect(run(trial, state, 1000, 100, 4)).toEqual([true]);
      trial.split(state.t - 250, 4);
      // While the trial runs (settling, then a window), nobody splits.
      expect(run(trial, state, 2250, after, 5).every((answer) => !answer)).toBe(true);
      // Half a second to settle, then a second at the new rate: the verdict holds from then on.
      expect(run(trial, state, 3000, after, 5)).toEqual([verdict, verdict, verdict]);
    }
  });

  it("measures over a window however late the timer ticks come", () => {
    const trial = splitTrial();
    const state = { t: 0, bytes: 0 };
    // Ticks a millisecond late each: a window of exactly one second never lines up with them.
    expect(run(trial, state, 1300, 100, 4, 251).indexOf(true)).toBe(4);
  });
});
