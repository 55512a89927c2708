/** The `/resolve/` address of one file of a repo at a commit; each path segment percent-encoded. */
export function hubFileUrl(hubUrl: string, repoId: string, commit: string, path: string): string {
  return `${hubUrl}/${repoId}/resolve/${encodeURIComponent(commit)}/${path.split("/").map(encodeURIComponent).join("/")}`;
}
