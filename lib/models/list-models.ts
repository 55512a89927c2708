import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { defaultRevision, scanHubCache } from "../cache/scan-hub-cache";
import { describeModel, type DescribedModel } from "./describe-model";
import type { ModelRoots, ResolvedModel } from "./resolve-model";

/** Every workspace under the workspace root and every model repository in the HF cache. */
export async function listModelLocations(roots: ModelRoots): Promise<ResolvedModel[]> {
  const out: ResolvedModel[] = [];
  const entries = await readdir(roots.workspaceRoot, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory() && !entry.name.startsWith(".")) {
      out.push({ kind: "workspace", name: entry.name, path: join(roots.workspaceRoot, entry.name) });
    }
  }
  const { repos } = await scanHubCache(roots.hubCache);
  for (const repo of repos.filter((r) => r.type === "model")) {
    const revision = defaultRevision(repo);
    if (revision) out.push({ kind: "cache", name: repo.repoId, repoId: repo.repoId, commit: revision.commit, path: revision.snapshotPath });
  }
  return out;
}

/** Describes every model location: workspaces first, then the cache, each with its health. */
export async function listModels(roots: ModelRoots, filter?: string): Promise<DescribedModel[]> {
  const needle = filter?.toLowerCase();
  const locations = (await listModelLocations(roots)).filter((l) => !needle || l.name.toLowerCase().includes(needle));
  return Promise.all(locations.map(describeModel));
}
