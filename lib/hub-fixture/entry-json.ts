import type { Commit, RepoEntry } from "./build-commit";

/**
 * A tree / paths-info entry as the Hub writes it. With `expand`, `lastCommit`
 * is the commit that last changed the path, and `securityFileStatus` carries
 * the keys Python's parser reads unconditionally.
 */
export function entryJson(commit: Commit, entry: RepoEntry, expand: boolean): Record<string, unknown> {
  const json: Record<string, unknown> = {
    type: entry.type,
    oid: entry.oid,
    size: entry.type === "file" ? entry.size : 0,
  };
  if (entry.type === "file" && entry.lfs) json.lfs = { ...entry.lfs };
  json.path = entry.path;
  if (expand) {
    json.lastCommit = commit.lastCommit.get(entry.path);
    if (entry.type === "file") {
      json.securityFileStatus = {
        status: "safe",
        avScan: { status: "safe" },
        pickleImportScan: { status: "unscanned", pickleImports: [] },
      };
    }
  }
  return json;
}

