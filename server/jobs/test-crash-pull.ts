/**
 * For restart-download.test.ts: the app's services in a process of their
 * own, pulling a repo; prints the job id once about half its bytes are in,
 * then waits to be killed.
 */
import { loadConfig } from "../../lib/config";
import { createServices } from "../services";

const [dataDir = "", hubCache = "", endpoint = "", repo = ""] = process.argv.slice(2);
const config = { ...loadConfig({ HF_ENDPOINT: endpoint, HOME: dataDir }), dataDir, hubCache, hfHome: `${hubCache}/..` };
const services = createServices(config);
const job = services.jobs.start("pull", { repo });
let done = 0;
for (;;) {
  const progress = services.jobs.get(job.id)?.progress;
  done = progress?.done ?? 0;
  if (progress && progress.total > 0 && done >= progress.total / 2) break;
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(`${JSON.stringify({ id: job.id, done })}\n`);
await new Promise(() => undefined);
