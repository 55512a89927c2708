/** The Hub endpoints the fixture answers, parsed out of a request path. */
export type Route =
  | { name: "listModels" }
  | { name: "whoami" }
  | { name: "agentHarnesses" }
  | { name: "modelInfo"; repoId: string; revision: string }
  | { name: "tree"; repoId: string; revision: string; path: string }
  | { name: "pathsInfo"; repoId: string; revision: string }
  | { name: "resolve"; repoId: string; revision: string; path: string; raw: boolean };

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
    return null;
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
