import { mkdir } from "node:fs/promises";
import { parseArgs } from "node:util";
import { removeDemoHubFile, writeDemoHubFile } from "../lib/demo-hub-file";
import { resolve } from "node:path";
import { z } from "zod";
import { buildDemoRepos, DEMO_USER, DEMO_WRITE_TOKEN, realDemoRepos } from "../lib/hub-fixture/demo-repos";
import { startHubFixture } from "../lib/hub-fixture/start-hub-fixture";

/**
 * Serves the demo repos on loopback for the app's demo mode:
 *   npx tsx scripts/demo-hub.ts [--port N] [--dir D] [--real-models DIR] [--bandwidth BYTES_PER_S] [--whet-home DIR] [--verbose]
 * --real-models adds the real models set-up prepared there (SmolLM2, .whet/models);
 * --bandwidth slows every file body to one shared link (downloads to watch and pause);
 * --whet-home writes the URL to DIR/demo-hub.json while it runs, for the CLI (`whet` with no HF_ENDPOINT).
 * The demo token (printed) may push into the demo-user namespace; what is
 * pushed lives in a temporary folder and is gone when the hub stops.
 * Prints exactly one line, {"url": "...", "token": "..."}, on stdout once it
 * accepts requests; request logs (--verbose) go to stderr. Stops on SIGTERM/SIGINT.
 */
const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  dir: z.string().min(1).default(".whet/demo-hub"),
  verbose: z.boolean().default(false),
  realModels: z.string().min(1).optional(),
  bandwidth: z.coerce.number().int().positive().optional(),
  whetHome: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, dir: { type: "string" }, verbose: { type: "boolean" }, "real-models": { type: "string" }, bandwidth: { type: "string" }, "whet-home": { type: "string" } },
  });
  const args = argsSchema.parse({ ...values, realModels: values["real-models"], whetHome: values["whet-home"] });
  const repos = [...(await buildDemoRepos(resolve(args.dir))), ...(args.realModels ? await realDemoRepos(resolve(args.realModels)) : [])];
  const hub = await startHubFixture({
    repos,
    port: args.port,
    ...(args.bandwidth ? { bandwidth: args.bandwidth } : {}),
    writeTokens: [DEMO_WRITE_TOKEN],
    user: { name: DEMO_USER },
    log: args.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const home = args.whetHome ? resolve(args.whetHome) : null;
  if (home) {
    await mkdir(home, { recursive: true });
    await writeDemoHubFile(home, { url: hub.url, token: DEMO_WRITE_TOKEN, pid: process.pid });
  }
  const stop = () => {
    Promise.all([hub.close(), home ? removeDemoHubFile(home) : null]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.stdout.write(`${JSON.stringify({ url: hub.url, token: DEMO_WRITE_TOKEN })}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error && typeof error === "object" && "hint" in error ? `\n${String(error.hint)}` : "";
  process.stderr.write(`demo-hub: ${message}${hint}\n`);
  process.exit(1);
});
