import { describeFailure } from "./describe-failure";
import { selectPaths } from "../fs/glob-match";
import { hubFetch, statusError, type HubClient } from "./hub-client";
import { listRepoTree } from "./list-repo-tree";
import { parseTreeListing, type RepoFile } from "./repo-file";
import { resolveCommit, type HubCallOptions } from "./resolve-commit";
import { stallGuard } from "./stall-guard";
import { withRetries } from "./retry-policy";

export interface DownloadPlan {
  repoId: string;
  revision: string;
  /** The commit the revision resolved to, pinned for every file. */
  commit: string;
  /** The files selected by include/exclude, validated. */
  files: RepoFile[];
}

/** The URL of a file's content at a commit, each path segment encoded. */
export function resolveUrl(client: HubClient, repoId: string, commit: string, path: string): string {
  return `${client.hubUrl}/${repoId}/resolve/${commit}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** A HEAD on one file: gated repositories show their metadata to anyone but refuse the files. */
async function checkFileAccess(client: HubClient, url: string, options: HubCallOptions): Promise<void> {
  await withRetries(async () => {
    const guard = stallGuard(options.signal, options.stallMs);
    try {
      const response = await hubFetch(client, url, { method: "HEAD", signal: guard.signal });
      if (response.status >= 400) throw statusError(response, options.now());
    } catch (error) {
      if (guard.signal.aborted) throw guard.signal.reason;
      throw error;
    } finally {
      guard.dispose();
    }
  }, options);
}

/**
 * Everything decided before a byte of content is fetched: the revision pinned
 * to a commit, the recursive listing validated (a hostile one is refused),
 * include/exclude applied, and access to the files checked, so a missing,
 * private or gated repository fails here with nothing created.
 */
export async function planDownload(
  client: HubClient,
  spec: { repoId: string; revision: string },
  options: HubCallOptions & { include?: readonly string[]; exclude?: readonly string[] },
): Promise<DownloadPlan> {
  const { repoId, revision } = spec;
  const name = revision === "main" ? repoId : `${repoId}@${revision}`;
  const context = (doing: string) => ({ doing, spec: name, hubUrl: client.hubUrl });
  const commit = await resolveCommit(client, repoId, revision, options).catch((error: unknown) => {
    throw describeFailure(error, context(`resolving ${name}`));
  });
  const entries = await listRepoTree(client, repoId, commit, options).catch((error: unknown) => {
    throw describeFailure(error, context(`listing the files of ${name}`));
  });
  const files = selectPaths(parseTreeListing(repoId, entries), (f) => f.path, options.include, options.exclude);
  const first = files[0];
  if (first) {
    await checkFileAccess(client, resolveUrl(client, repoId, commit, first.path), options).catch((error: unknown) => {
      throw describeFailure(error, context(`checking access to ${first.path}`));
    });
  }
  return { repoId, revision, commit, files };
}
