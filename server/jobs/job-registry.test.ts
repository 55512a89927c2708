import { describe, expect, it } from "vitest";
import { cancelJob, getJob, startJob, watchJob } from "./job-registry";

describe("job registry", () => {
  it("streams progress to the end and replays from a sequence number", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = startJob("verify-load", "k1", "test", async ({ report }) => {
      report({ phase: "one", done: 1, total: 2, unit: "steps" });
      await gate;
      report({ phase: "two", done: 2, total: 2, unit: "steps" });
      return { answer: 42 };
    });
    const seen: string[] = [];
    const watching = (async () => {
      for await (const s of watchJob(job.id, 0)) seen.push(`${s.status}:${s.progress?.phase ?? "-"}`);
    })();
    await new Promise((r) => setTimeout(r, 20));
    release();
    await watching;
    expect(seen.at(-1)).toBe("succeeded:two");
    expect(getJob(job.id)?.result).toEqual({ answer: 42 });

    // A reconnect that already saw everything gets nothing more.
    const replay: number[] = [];
    for await (const s of watchJob(job.id, getJob(job.id)?.seq ?? 0)) replay.push(s.seq);
    expect(replay).toEqual([]);
  });

  it("attaches a second start with the same key to the running job", () => {
    const a = startJob("clone", "same", "a", () => new Promise(() => undefined));
    const b = startJob("clone", "same", "b", async () => 1);
    expect(b.id).toBe(a.id);
    cancelJob(a.id);
  });

  it("cancels through the abort signal", async () => {
    const job = startJob("clone", "k3", "c", ({ signal }) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("stopped")))),
    );
    cancelJob(job.id);
    const states: string[] = [];
    for await (const s of watchJob(job.id, 0)) states.push(s.status);
    expect(states.at(-1)).toBe("cancelled");
  });
});
