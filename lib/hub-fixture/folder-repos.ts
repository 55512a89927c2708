import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { RepoSpec } from "./repo-spec";

const NAME = /^[A-Za-z0-9][\w.-]*$/;

/**
 * A folder of repos as `npm run hub-fixture` serves it: every `ROOT/org/name/`
 * folder is a repo whose main branch holds that folder's files. Names starting
 * with a dot (the fixture's own `.hub-fixture/` data) are not repos.
 */
export async function folderRepos(root: string): Promise<RepoSpec[]> {
  const specs: RepoSpec[] = [];
  for (const org of await readdir(root, { withFileTypes: true })) {
    if (!org.isDirectory() || !NAME.test(org.name)) continue;
    for (const repo of await readdir(join(root, org.name), { withFileTypes: true })) {
      if (!repo.isDirectory() || !NAME.test(repo.name)) continue;
      specs.push({ id: `${org.name}/${repo.name}`, revisions: [{ dir: join(root, org.name, repo.name) }] });
    }
  }
  return specs.sort((a, b) => (a.id < b.id ? -1 : 1));
}
