import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEMO_USER, DEMO_WRITE_TOKEN } from "../lib/hub-fixture/demo-repos";
import { folderRepos } from "../lib/hub-fixture/folder-repos";
import { startHubFixture } from "../lib/hub-fixture/start-hub-fixture";

/**
 * A local Hub for trying pull and push offline:
 *   npm run hub-fixture -- --root DIR [--port P] [--host H] [--verbose]
 * Every DIR/org/name/ folder is served as a repo (its files are the main
 * branch). Whatever is pushed (new repos, commits, branches) is kept in
 * DIR/.hub-fixture/: objects/<sha256> holds the bytes, journal.jsonl the
 * writes, replayed at the next start. The repo folders themselves are never
 * written to. One token may write, into its own namespace (demo-user) and the
 * org folders under DIR:
 *   HF_ENDPOINT=<url> HF_TOKEN=<token> whet push WORKSPACE demo-user/NAME --create
 * Prints one JSON line, {"url", "token", "user"}, on stdout once it accepts
 * requests; request logs (--verbose) go to stderr. Stops on SIGTERM/SIGINT.
 */
const argsSchema = z.object({
  root: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  verbose: z.boolean().default(false),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { root: { type: "string" }, port: { type: "string" }, host: { type: "string" }, verbose: { type: "boolean" } },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(`usage: npm run hub-fixture -- --root DIR [--port P] [--host H] [--verbose] (${z.prettifyError(parsed.error)})`);
  const args = parsed.data;
  const root = resolve(args.root);
  await mkdir(root, { recursive: true });
  const repos = await folderRepos(root);
  const orgs = [...new Set(repos.map((r) => r.id.split("/")[0] as string))];
  const hub = await startHubFixture({
    repos,
    port: args.port,
    host: args.host,
    writeTokens: [DEMO_WRITE_TOKEN],
    user: { name: DEMO_USER, orgs },
    dataDir: join(root, ".hub-fixture"),
    log: args.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const stop = () => {
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.stdout.write(`${JSON.stringify({ url: hub.url, token: DEMO_WRITE_TOKEN, user: DEMO_USER })}\n`);
  process.stderr.write(`hub-fixture: serving ${repos.length} repo(s) from ${root}\n  HF_ENDPOINT=${hub.url} HF_TOKEN=${DEMO_WRITE_TOKEN} whet push WORKSPACE ${DEMO_USER}/NAME --create\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error && typeof error === "object" && "hint" in error ? `\n${String(error.hint)}` : "";
  process.stderr.write(`hub-fixture: ${message}${hint}\n`);
  process.exit(1);
});
