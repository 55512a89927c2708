/**
 * The load drill: `npm run drill:load -- [--streams 16] [--tokens 48]`.
 * Prints streams, dropped, crossed, the runner's peak memory and how long an
 * abandoned stream kept the runner busy.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadDrill } from "./load-drill";

const { values } = parseArgs({ options: { streams: { type: "string", default: "16" }, tokens: { type: "string", default: "48" } } });
const root = await mkdtemp(join(tmpdir(), "whet-load-"));
try {
  const r = await loadDrill({ root, streams: Number(values.streams), maxTokens: Number(values.tokens) });
  console.log(
    `load drill: ${r.streams} concurrent streams in ${r.seconds.toFixed(1)} s, ${r.dropped} dropped, ${r.crossed} with another stream's tokens; runner peak RSS ${r.peakRunnerRssMb} MB; an abandoned stream freed the runner in ${r.abandonStopMs} ms`,
  );
  process.exitCode = r.dropped || r.crossed || r.abandonStopMs > 1000 ? 1 : 0;
} finally {
  await rm(root, { recursive: true, force: true });
}
