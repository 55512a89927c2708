import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PYTHON = process.env.WHET_PYTHON ?? join(PROJECT_ROOT, ".venv", "bin", "python");
const HUB_CLIENT = join(PROJECT_ROOT, "python", "interop", "hub_client.py");

/**
 * Runs one python/interop/hub_client.py subcommand against `hubUrl` in a clean
 * environment (HF_HOME = `home`, no user token or config) and returns its JSON
 * output: an `error` object when the client raised.
 */
export async function runHubClient(hubUrl: string, home: string, args: string[], token?: string): Promise<Record<string, unknown>> {
  const result = await execa(PYTHON, [HUB_CLIENT, ...args], {
    extendEnv: false,
    reject: false,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      HF_HOME: home,
      HF_HUB_CACHE: join(home, "hub"),
      HF_ENDPOINT: hubUrl,
      HF_HUB_DISABLE_XET: "1",
      HF_HUB_DISABLE_TELEMETRY: "1",
      HF_HUB_DISABLE_PROGRESS_BARS: "1",
      HF_HUB_DISABLE_UPDATE_CHECK: "1",
      ...(token ? { HF_TOKEN: token } : {}),
    },
  });
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  if (!last.startsWith("{")) throw new Error(`hub_client.py ${args.join(" ")} exited ${result.exitCode}:\n${result.stderr}`);
  return JSON.parse(last) as Record<string, unknown>;
}
