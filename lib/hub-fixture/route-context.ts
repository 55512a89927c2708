import type { IncomingMessage, ServerResponse } from "node:http";
import type { Caller, FixtureUser } from "./access";
import type { HubWriter } from "./hub-writer";
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
  /** Creates repos, stores uploads, applies commits. */
  writer: HubWriter;
  /** Whoever holds a token: whoami's answer and where it may write. */
  user: FixtureUser;
  /** Signs and checks LFS upload URLs (the uploads carry no token). */
  uploadSigner: UploadSigner;
  /** Slows uploaded bodies to a shared bandwidth, when the fixture was given one. */
  uploadThrottle: (() => import("node:stream").Transform) | null;
}

export interface UploadSigner {
  sign(repoId: string, oid: string, size: number): string;
  verify(repoId: string, oid: string, size: number, signature: string): boolean;
}
