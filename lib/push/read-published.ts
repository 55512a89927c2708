import { z } from "zod";
import { readSentinel } from "../workspace/sentinel";

/** Where a workspace was last pushed, as its sentinel records it. */
export interface Published {
  repo: string;
  branch: string;
  commit: string;
  /** The commit's page on the Hub it was pushed to. */
  url: string | null;
  at: string;
}

const publishedSchema = z.object({
  pushed_to: z.string().max(200),
  pushed_branch: z.string().max(255).default("main"),
  pushed_commit: z.string().regex(/^[0-9a-f]{40}$/),
  pushed_url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  pushed_at: z.string().max(64),
});

/** The workspace's last push, or null when it was never pushed (or its sentinel says nothing readable about it). */
export async function readPublished(workspace: string): Promise<Published | null> {
  const parsed = publishedSchema.safeParse(await readSentinel(workspace));
  if (!parsed.success) return null;
  const { pushed_to, pushed_branch, pushed_commit, pushed_url, pushed_at } = parsed.data;
  return { repo: pushed_to, branch: pushed_branch, commit: pushed_commit, url: pushed_url ?? null, at: pushed_at };
}
