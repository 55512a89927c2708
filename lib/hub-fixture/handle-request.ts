import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { INVALID_CREDENTIALS, readCaller } from "./access";
import { sendHubError, sendJson } from "./hub-response";
import { matchRoute, type Route } from "./match-route";
import type { RepoStore } from "./repo-store";
import type { RouteContext } from "./route-context";
import { listModels } from "./routes/list-models";
import { modelInfo } from "./routes/model-info";
import { pathsInfo } from "./routes/paths-info";
import { resolve } from "./routes/resolve";
import { tree } from "./routes/tree";
import { whoami } from "./routes/whoami";

export interface HandlerOptions {
  store: RepoStore;
  tokens: ReadonlySet<string>;
  pageSize: number;
  throttle: RouteContext["throttle"];
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
  const ctx: RouteContext = { req, res, url, store: options.store, caller, origin, pageSize: options.pageSize, throttle: options.throttle };
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
  }
}
