import { execa } from "execa";

/** Whether a process runs: a zombie (dead, not yet reaped by a parent or an init that never reaps) does not count. */
export async function isProcessAlive(pid: number): Promise<boolean> {
  const { stdout } = await execa("ps", ["-o", "stat=", "-p", String(pid)], { reject: false });
  const state = stdout.trim();
  return state !== "" && !state.startsWith("Z");
}
