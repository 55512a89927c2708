import type { IncomingMessage, ServerResponse } from "node:http";
import type { Caller } from "./access";
import type { RepoStore } from "./repo-store";

/** Everything a route handler gets; handlers write the response themselves. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: RepoStore;
  caller: Caller;
  /** Origin clients reached the fixture at, for the absolute URLs of `Link` headers. */
  origin: string;
  /** Most items one page of a listing holds. */
  pageSize: number;
  /** Slows file bodies to a shared bandwidth, when the fixture was given one. */
  throttle: (() => import("node:stream").Transform) | null;
}
