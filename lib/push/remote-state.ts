import { listFiles } from "@huggingface/hub";
import { z } from "zod";
import { WhetError } from "../errors";
import { pushFailure, readFailure } from "./push-errors";

/** A file as the remote tree lists it: what a local file is compared with. */
export interface RemoteFile {
  size: number;
  /** Git blob sha1 of what git stores (the content, or an LFS pointer). */
  oid: string;
  /** sha256 of the content, for LFS files. */
  lfsOid: string | null;
}

export interface RemoteTree {
  commit: string;
  private: boolean | null;
  files: Map<string, RemoteFile>;
}

export type RemoteState =
  | { kind: "missing-repo" }
  /** The branch does not exist yet: it would start from `base` (the default branch). */
  | { kind: "missing-branch"; base: RemoteTree }
  | { kind: "ready"; tree: RemoteTree };

const revisionSchema = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/), private: z.boolean().optional() });
const entrySchema = z.object({
  type: z.string(),
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  oid: z.string().max(128).optional(),
  lfs: z.object({ oid: z.string().max(128), size: z.number().int().nonnegative() }).optional(),
});

/** A repo listing larger than this is not a model a push should mirror. */
const MAX_ENTRIES = 200_000;

interface Params {
  fetch: typeof fetch;
  hubUrl: string;
  accessToken?: string;
  repo: string;
  branch: string;
}

/** Where the push lands: whether the repo and branch exist, and the files at the branch head (or at main, for a new branch). */
export async function readRemoteState(params: Params): Promise<RemoteState> {
  const head = await readRevision(params, params.branch);
  if (head.kind === "ready") return { kind: "ready", tree: await readTree(params, head.sha, head.private) };
  if (head.kind === "missing-repo") return head;
  const base = await readRevision(params, "main");
  if (base.kind !== "ready") return { kind: "missing-repo" };
  return { kind: "missing-branch", base: await readTree(params, base.sha, base.private) };
}

async function readRevision(params: Params, revision: string) {
  const response = await params.fetch(`${params.hubUrl}/api/models/${params.repo}/revision/${encodeURIComponent(revision)}`, {
    headers: params.accessToken ? { Authorization: `Bearer ${params.accessToken}` } : {},
  });
  if (!response.ok) {
    const failure = await readFailure(response);
    const error = pushFailure(failure, params.repo, params.branch);
    if (error.code === "repo_not_found") return { kind: "missing-repo" as const };
    if (error.code === "branch_not_found") return { kind: "missing-branch" as const };
    throw error;
  }
  const parsed = revisionSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    throw new WhetError("hub_bad_answer", `The Hub's description of ${params.repo}@${revision} has no commit hash`, "Check that HF_ENDPOINT points at a Hugging Face Hub.");
  }
  return { kind: "ready" as const, sha: parsed.data.sha, private: parsed.data.private ?? null };
}

async function readTree(params: Params, commit: string, isPrivate: boolean | null): Promise<RemoteTree> {
  const files = new Map<string, RemoteFile>();
  let count = 0;
  for await (const raw of listFiles({
    repo: params.repo,
    revision: commit,
    recursive: true,
    hubUrl: params.hubUrl,
    fetch: params.fetch,
    ...(params.accessToken ? { accessToken: params.accessToken } : {}),
  })) {
    if (++count > MAX_ENTRIES) {
      throw new WhetError("remote_too_large", `${params.repo} lists more than ${MAX_ENTRIES} files`, "Push to a model repository, not a data store.");
    }
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      throw new WhetError("hub_bad_answer", `The Hub listed a file of ${params.repo} in a form Whetstone cannot read`, "Check that HF_ENDPOINT points at a Hugging Face Hub.");
    }
    if (entry.data.type !== "file") continue;
    const { path, size, oid, lfs } = entry.data;
    files.set(path, { size: lfs?.size ?? size, oid: oid ?? "", lfsOid: lfs?.oid ?? null });
  }
  return { commit, private: isPrivate, files };
}
