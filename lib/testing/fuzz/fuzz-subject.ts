// The fuzz drill's subject: a child process (started by run-fuzz.ts) that runs each trial it
// is sent through Whetstone's readers while serving /api/health on loopback, so the drill can
// see whether anything a trial does stops a server in the same process from answering.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyCase, buildCorpus, makeCase, prepareTrialFolder, restoreCase, runCase } from "./fuzz-case";
import type { SubjectReply, SubjectRequest } from "./run-fuzz";

const root = await mkdtemp(join(tmpdir(), "whet-fuzz-"));
const corpus = await buildCorpus(root);
const { base } = corpus;
const trialDir = join(root, "trial");
await prepareTrialFolder(trialDir, base);

const server = createServer((request, response) => {
  response.writeHead(request.url === "/api/health" ? 200 : 404, { "content-type": "application/json" });
  response.end('{"status":"ok"}');
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const send = (reply: SubjectReply) => process.send?.(reply);

process.on("message", (request: SubjectRequest) => {
  void (async () => {
    const fuzzCase = await makeCase(corpus, request.seed, request.trial);
    await applyCase(trialDir, fuzzCase);
    const started = performance.now();
    const outcomes = await runCase(trialDir, fuzzCase.kind);
    const ms = performance.now() - started;
    await restoreCase(trialDir, base, fuzzCase);
    send({
      type: "trial",
      trial: request.trial,
      kind: fuzzCase.kind,
      changes: fuzzCase.changes,
      outcomes,
      ms,
      heapUsed: process.memoryUsage().heapUsed,
      maxRss: process.resourceUsage().maxRSS * 1024,
    });
  })();
});
process.on("disconnect", () => {
  server.close();
  void rm(root, { recursive: true, force: true }).finally(() => process.exit(0));
});
send({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
