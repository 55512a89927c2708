import { createServer, type IncomingHttpHeaders } from "node:http";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { WhetError } from "../errors";
import { closeEverySocket } from "./close-every-socket";
import { connectionBandwidth, sharedBandwidth } from "./bandwidth";
import { handleRequest } from "./handle-request";
import { createHubWriter } from "./hub-writer";
import { openObjectStore } from "./object-store";
import { createRepoStore } from "./repo-store";
import type { RepoSpec, RevisionSpec } from "./repo-spec";
import { FIXTURE_USER } from "./routes/whoami";
import { createUploadSigner } from "./upload-signer";

const optionsSchema = z.object({
  repos: z.array(z.unknown()).default([]),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  /** Tokens that authenticate; private repos and whoami need one. */
  tokens: z.array(z.string().min(1)).default([]),
  /** Most items per listing page; the Hub's is 1000. Lower it to exercise pagination. */
  pageSize: z.number().int().positive().default(1000),
  /** Bytes per second shared by every file body; unlimited when absent. */
  bandwidth: z.number().int().positive().optional(),
  /** Bytes per second of each file body on its own, as a CDN caps each connection; unlimited when absent. Not with `bandwidth`. */
  connectionBandwidth: z.number().int().positive().optional(),
  /** Tokens that authenticate and may write (create repos, push) where the user may. */
  writeTokens: z.array(z.string().min(1)).default([]),
  /** The user every valid token belongs to, and its organisations: the namespaces it may write to. */
  user: z.object({ name: z.string().min(1).default(FIXTURE_USER), orgs: z.array(z.string().min(1)).default([]) }).default({ name: FIXTURE_USER, orgs: [] }),
  /** Where pushed bytes and the write journal are kept; replayed at start, so pushes survive a restart. A temporary folder otherwise. */
  dataDir: z.string().min(1).optional(),
  /** Bytes per second shared by every LFS upload body; unlimited when absent. */
  uploadBandwidth: z.number().int().positive().optional(),
}).refine((o) => o.bandwidth === undefined || o.connectionBandwidth === undefined, "bandwidth and connectionBandwidth are two models of the link: give one");

/** A demo session can run for hours; the record keeps the latest requests only. */
const MAX_RECORDED_REQUESTS = 10_000;

export interface HubFixtureOptions {
  repos?: RepoSpec[];
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  tokens?: string[];
  pageSize?: number;
  bandwidth?: number;
  connectionBandwidth?: number;
  writeTokens?: string[];
  user?: { name?: string; orgs?: string[] };
  dataDir?: string;
  uploadBandwidth?: number;
  /** Called with one line per request once it is answered. */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The response's status, once it has been sent. */
  status?: number;
}

export interface HubFixture {
  /** Origin to use as `hubUrl` / `HF_ENDPOINT`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Requests received (the latest 10,000), in order, for tests to assert on. */
  requests: RecordedRequest[];
  addRepo(spec: RepoSpec): Promise<void>;
  /** Pushes a folder as a new commit on the revision's branch; returns the commit hash. */
  addRevision(repoId: string, revision: RevisionSpec): Promise<string>;
  close(): Promise<void>;
}

/**
 * A Hub-compatible HTTP server on loopback serving model repos made from
 * local folders: what the tests and the app's demo mode talk to instead of
 * huggingface.co. Both `@huggingface/hub` and Python `huggingface_hub`
 * download from it into a normal cache.
 */
export async function startHubFixture(options: HubFixtureOptions = {}): Promise<HubFixture> {
  const { repos, port, host, tokens, pageSize, bandwidth, connectionBandwidth: perConnection, writeTokens, user, dataDir, uploadBandwidth } = optionsSchema.parse(options);
  const store = createRepoStore();
  for (const spec of repos) await store.addRepo(spec as RepoSpec);
  const data = dataDir ? resolve(dataDir) : await mkdtemp(join(tmpdir(), "whet-hub-fixture-"));
  await mkdir(data, { recursive: true });
  const writer = createHubWriter({
    store,
    objects: await openObjectStore(join(data, "objects")),
    journal: dataDir ? join(data, "journal.jsonl") : null,
    now: () => new Date(),
  });
  await writer.replay();

  const requests: RecordedRequest[] = [];
  // Handlers still running: close() waits for them, so an upload the hub received is stored before it resolves.
  const active = new Set<Promise<void>>();
  const handlerOptions = {
    store,
    tokens: { tokens: new Set(tokens), writeTokens: new Set(writeTokens) },
    pageSize,
    throttle: bandwidth ? sharedBandwidth(bandwidth) : perConnection ? connectionBandwidth(perConnection) : null,
    writer,
    user,
    uploadSigner: createUploadSigner(),
    uploadThrottle: uploadBandwidth ? sharedBandwidth(uploadBandwidth) : null,
  };
  const server = createServer((req, res) => {
    const started = performance.now();
    const record: RecordedRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers };
    requests.push(record);
    if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();
    res.on("finish", () => {
      record.status = res.statusCode;
    });
    res.on("close", () => {
      options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    const handled = handleRequest(req, res, handlerOptions).catch((error: unknown) => {
      // A client that hangs up mid-download is normal; anything else is a fixture bug worth a 500.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: `Hub fixture error: ${message}` }));
    });
    active.add(handled);
    void handled.finally(() => active.delete(handled));
  });

  const closeSockets = closeEverySocket(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new WhetError(
          "hub_fixture_listen_failed",
          `The Hub fixture cannot listen on ${host}:${port} (${error.code ?? error.message})`,
          port === 0 ? "Check that the host address exists on this machine." : "Choose another port, or 0 for a free one.",
          { host, port },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    requests,
    addRepo: async (spec) => {
      await store.addRepo(spec);
    },
    addRevision: async (repoId, revision) => (await store.addRevision(repoId, revision)).id,
    // Closing twice (a test that restarts the hub, then its cleanup) is the same close.
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          // Clients keep idle connections alive; without this close() would wait for them to time out.
          closeSockets();
        });
        await Promise.allSettled(active);
        if (!dataDir) await rm(data, { recursive: true, force: true });
      })()),
  };
}
