import type { ServerResponse } from "node:http";

/** The `X-Error-Code` values both clients turn into typed errors. */
export type HubErrorCode = "RepoNotFound" | "RevisionNotFound" | "EntryNotFound" | "GatedRepo";

export interface HubError {
  status: number;
  code?: HubErrorCode;
  message: string;
  /** Extra headers, e.g. `X-Repo-Commit` on EntryNotFound, which Python needs to cache the miss. */
  headers?: Record<string, string>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
  });
  res.end(res.req.method === "HEAD" ? undefined : text);
}

/** Errors as the Hub sends them: JSON `{error}`, plus `X-Error-Code` and `X-Error-Message` headers. */
export function sendHubError(res: ServerResponse, error: HubError): void {
  sendJson(res, error.status, { error: error.message }, {
    ...error.headers,
    ...(error.code ? { "X-Error-Code": error.code } : {}),
    // Header values must be printable ASCII to be safe; repo paths may not be.
    "X-Error-Message": error.message.replace(/[^\x20-\x7e]/g, "?"),
  });
}

export function repoNotFound(status = 404): HubError {
  return { status, code: "RepoNotFound", message: "Repository not found" };
}

export function revisionNotFound(revision: string): HubError {
  return { status: 404, code: "RevisionNotFound", message: `Invalid rev id: ${revision}` };
}

export function entryNotFound(path: string, commit: string): HubError {
  return {
    status: 404,
    code: "EntryNotFound",
    message: `Entry not found: ${path} does not exist at ${commit}`,
    headers: { "X-Repo-Commit": commit },
  };
}

/** A request the fixture refuses, thrown by the write side and answered as the Hub's error. */
export class HubRequestError extends Error {
  constructor(readonly hubError: HubError) {
    super(hubError.message);
  }
}
