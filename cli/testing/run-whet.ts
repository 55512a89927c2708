import { runCli } from "../main";

/** `whet ARGS` in this process, its output captured (runCli reads its configuration from the environment at its first command). */
export async function runWhet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
