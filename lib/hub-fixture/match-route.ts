/** The Hub endpoints the fixture answers, parsed out of a request path. */
export type Route =
  | { name: "listModels" }
  | { name: "whoami" }
  | { name: "agentHarnesses" }
  | { name: "modelInfo"; repoId: string; revision: string }
  | { name: "tree"; repoId: string; revision: string; path: string }
  | { name: "pathsInfo"; repoId: string; revision: string }
  | { name: "resolve"; repoId: string; revision: string; path: string; raw: boolean }
  | { name: "createRepo" }
  | { name: "validateYaml" }
  | { name: "preupload"; repoId: string; revision: string }
  | { name: "commit"; repoId: string; revision: string }
  | { name: "createBranch"; repoId: string; branch: string }
  | { name: "lfsBatch"; repoId: string }
  | { name: "lfsUpload"; repoId: string; oid: string };

/** First path segment of LFS upload URLs. */
export const LFS_STORAGE = "lfs-storage";

/**
 * Clients disagree on encoding: revisions arrive percent-encoded
 * (`refs%2Fpr%2F1`, from modelInfo, pathsInfo and Python) or raw (listFiles),
 * and Python sends a tree sub-path as one encoded segment. So the raw path is
 * split on "/" first and each segment decoded after. Returns null for paths
 * that are not Hub endpoints, and throws URIError on malformed escapes.
 */
export function matchRoute(method: string, pathname: string): Route | null {
  const parts = pathname.split("/").slice(1).map(decodeURIComponent);
  const [first, second, third, fourth, fifth, ...rest] = parts;

  if (first === "api") {
    if (second === "whoami-v2" && third === undefined) return { name: "whoami" };
    if (second === "agent-harnesses" && third === undefined) return readOnly(method, { name: "agentHarnesses" });
    if (second === "repos" && third === "create" && fourth === undefined) return method === "POST" ? { name: "createRepo" } : null;
    if (second === "validate-yaml" && third === undefined) return method === "POST" ? { name: "validateYaml" } : null;
    if (second !== "models") return null;
    if (third === undefined) return method === "GET" || method === "HEAD" ? { name: "listModels" } : null;
    if (fourth === undefined) return null;
    const repoId = `${third}/${fourth}`;
    if (fifth === undefined) return readOnly(method, { name: "modelInfo", repoId, revision: "HEAD" });
    if (fifth === "revision" && rest.length > 0) {
      return readOnly(method, { name: "modelInfo", repoId, revision: rest.join("/") });
    }
    if (fifth === "tree" && rest.length > 0) {
      const { revision, path } = splitRevision(rest);
      return readOnly(method, { name: "tree", repoId, revision, path });
    }
    if (fifth === "paths-info" && rest.length > 0 && method === "POST") {
      return { name: "pathsInfo", repoId, revision: rest.join("/") };
    }
    if (fifth === "preupload" && rest.length > 0 && method === "POST") return { name: "preupload", repoId, revision: rest.join("/") };
    if (fifth === "commit" && rest.length > 0 && method === "POST") return { name: "commit", repoId, revision: rest.join("/") };
    if (fifth === "branch" && rest.length > 0 && method === "POST") return { name: "createBranch", repoId, branch: rest.join("/") };
    return null;
  }

  // Where the LFS batch answer sends uploads (the Hub's storage bucket); the URL carries its own signature.
  if (first === LFS_STORAGE && second && third && fourth && fifth === undefined) {
    return method === "PUT" ? { name: "lfsUpload", repoId: `${second}/${third}`, oid: fourth } : null;
  }
  if (first && second?.endsWith(".git") && [third, fourth, fifth, ...rest].join("/") === "info/lfs/objects/batch") {
    return method === "POST" ? { name: "lfsBatch", repoId: `${first}/${second.slice(0, -".git".length)}` } : null;
  }

  if (first && second && (third === "resolve" || third === "raw") && fourth !== undefined) {
    const { revision, path } = splitRevision([fourth, ...(fifth === undefined ? [] : [fifth]), ...rest]);
    if (!path) return null;
    return readOnly(method, { name: "resolve", repoId: `${first}/${second}`, revision, path, raw: third === "raw" });
  }
  return null;
}

function readOnly(method: string, route: Route): Route | null {
  return method === "GET" || method === "HEAD" ? route : null;
}

/** An unencoded `refs/pr/1`-style revision spans three segments; any other revision is one. */
function splitRevision(segments: string[]): { revision: string; path: string } {
  const qualified = segments[0] === "refs" && segments.length >= 3;
  const count = qualified ? 3 : 1;
  return { revision: segments.slice(0, count).join("/"), path: segments.slice(count).filter(Boolean).join("/") };
}
