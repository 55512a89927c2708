import { z } from "zod";
import { WhetError } from "../errors";

const COMMIT_HASH = /^[0-9a-f]{40}$/;

const refName = z
  .string()
  .min(1)
  .refine((name) => !COMMIT_HASH.test(name) && name !== "HEAD" && !name.startsWith("/") && !name.endsWith("/"), {
    message: "must be a branch or tag name, not a commit hash, HEAD, or a name starting or ending with '/'",
  });

export const revisionSpecSchema = z.object({
  /** Folder whose files (recursively) make up the repo at this revision. */
  dir: z.string().min(1),
  /** The branch this commit lands on; a second revision on the same branch advances it. */
  branch: refName.default("main"),
  tags: z.array(refName).default([]),
  /** Commit time; part of the commit hash. Defaults to a fixed date so hashes never drift. */
  date: z.iso.datetime().optional(),
  message: z.string().min(1).optional(),
});

export const repoSpecSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/, { message: "must look like 'org/name'" }),
  revisions: z
    .array(revisionSpecSchema)
    .min(1)
    .refine((revisions) => revisions.some((r) => (r.branch ?? "main") === "main"), {
      message: "at least one revision must be on the main branch, which every Hub repo has",
    }),
  private: z.boolean().default(false),
  /**
   * "auto": any valid token may download files; "manual": a valid token gets
   * 403 as if the access request were still pending. Metadata stays public.
   */
  gated: z.union([z.literal(false), z.literal("auto"), z.literal("manual")]).default(false),
  downloads: z.number().int().nonnegative().default(0),
  likes: z.number().int().nonnegative().default(0),
  pipelineTag: z.string().optional(),
  tags: z.array(z.string()).default([]),
  libraryName: z.string().optional(),
});

export type RevisionSpec = z.input<typeof revisionSpecSchema>;
export type RepoSpec = z.input<typeof repoSpecSchema>;
export type ParsedRepoSpec = z.output<typeof repoSpecSchema>;
export type ParsedRevisionSpec = z.output<typeof revisionSpecSchema>;

export function parseRepoSpec(spec: unknown): ParsedRepoSpec {
  const result = repoSpecSchema.safeParse(spec);
  if (!result.success) {
    const id = typeof spec === "object" && spec && "id" in spec ? String(spec.id) : "(no id)";
    throw new WhetError(
      "hub_fixture_bad_repo",
      `Hub fixture repo ${id} is not valid: ${z.prettifyError(result.error)}`,
      "Give every repo an 'org/name' id and at least one revision with a folder.",
      { id },
    );
  }
  return result.data;
}

export function isCommitHash(value: string): boolean {
  return COMMIT_HASH.test(value);
}
