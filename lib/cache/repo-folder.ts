export type RepoType = "model" | "dataset" | "space";

/** `org/name` → `models--org--name`, as huggingface_hub names cache folders. */
export function repoFolderName(repoId: string, type: RepoType = "model"): string {
  return `${type}s--${repoId.replaceAll("/", "--")}`;
}

/** `models--org--name` → { type: "model", repoId: "org/name" }, or null for foreign entries. */
export function parseRepoFolderName(folder: string): { type: RepoType; repoId: string } | null {
  const split = folder.indexOf("--");
  if (split === -1) return null;
  const prefix = folder.slice(0, split);
  const type = ({ models: "model", datasets: "dataset", spaces: "space" } as const)[prefix as "models"];
  if (!type) return null;
  return { type, repoId: folder.slice(split + 2).replaceAll("--", "/") };
}
