import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { INVALID_CREDENTIALS, readCaller, type FixtureUser, type TokenSets } from "./access";
import type { HubWriter } from "./hub-writer";
import { sendHubError, sendJson } from "./hub-response";
import { matchRoute, type Route } from "./match-route";
import type { RepoStore } from "./repo-store";
import type { RouteContext, UploadSigner } from "./route-context";
import { commit } from "./routes/commit";
import { createBranch } from "./routes/create-branch";
import { createRepo } from "./routes/create-repo";
import { lfsBatch } from "./routes/lfs-batch";
import { lfsUpload } from "./routes/lfs-upload";
import { preupload } from "./routes/preupload";
import { listModels } from "./routes/list-models";
import { modelInfo } from "./routes/model-info";
import { pathsInfo } from "./routes/paths-info";
import { resolve } from "./routes/resolve";
import { tree } from "./routes/tree";
import { whoami } from "./routes/whoami";

export interface HandlerOptions {
  store: RepoStore;
  tokens: TokenSets;
  pageSize: number;
  throttle: RouteContext["throttle"];
  writer: HubWriter;
  user: FixtureUser;
  uploadSigner: UploadSigner;
  uploadThrottle: RouteContext["uploadThrottle"];
}

/** Routes one request to its endpoint; every response carries an `X-Request-Id`, as the Hub's do. */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, options: HandlerOptions): Promise<void> {
  res.setHeader("X-Request-Id", `Root=1-${randomUUID().replaceAll("-", "")}`);
  const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
  const url = new URL(req.url ?? "/", origin);
  let route: Route | null;
  try {
    route = matchRoute(req.method ?? "GET", url.pathname);
  } catch {
    sendHubError(res, { status: 400, message: "Malformed percent-encoding in the request path" });
    return;
  }
  if (!route) {
    sendHubError(res, { status: 404, message: "Sorry, we can't find the page you are looking for." });
    return;
  }
  const caller = readCaller(req.headers, options.tokens);
  if (caller.kind === "invalid") {
    sendHubError(res, INVALID_CREDENTIALS);
    return;
  }
  const ctx: RouteContext = {
    req,
    res,
    url,
    store: options.store,
    caller,
    origin,
    pageSize: options.pageSize,
    throttle: options.throttle,
    writer: options.writer,
    user: options.user,
    uploadSigner: options.uploadSigner,
    uploadThrottle: options.uploadThrottle,
  };
  switch (route.name) {
    case "listModels":
      return listModels(ctx);
    case "whoami":
      return whoami(ctx);
    case "agentHarnesses":
      // Python (2.4+) fetches this registry to tag requests made by AI agents; empty means "none".
      return sendJson(res, 200, { standardEnvVars: [], harnesses: {} });
    case "modelInfo":
      return modelInfo(ctx, route.repoId, route.revision);
    case "tree":
      return tree(ctx, route.repoId, route.revision, route.path);
    case "pathsInfo":
      return pathsInfo(ctx, route.repoId, route.revision);
    case "resolve":
      return resolve(ctx, route.repoId, route.revision, route.path, route.raw);
    case "createRepo":
      return createRepo(ctx);
    case "validateYaml":
      // Python checks a README's metadata before committing it; the fixture accepts any (it has no YAML parser).
      ctx.req.resume();
      return sendJson(res, 200, { errors: [], warnings: [] });
    case "preupload":
      return preupload(ctx, route.repoId, route.revision);
    case "lfsBatch":
      return lfsBatch(ctx, route.repoId);
    case "lfsUpload":
      return lfsUpload(ctx, route.repoId, route.oid);
    case "commit":
      return commit(ctx, route.repoId, route.revision);
    case "createBranch":
      return createBranch(ctx, route.repoId, route.branch);
  }
}
