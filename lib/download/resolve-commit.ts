import { z } from "zod";
import { getHubJson } from "./get-hub-json";
import type { HubClient } from "./hub-client";
import { withRetries, type RetryPolicy } from "./retry-policy";
import { TransferError } from "./transfer-error";

const infoSchema = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/) });

export interface HubCallOptions {
  signal: AbortSignal;
  stallMs: number;
  now: () => number;
  policy: RetryPolicy;
  onRetry?: () => void;
}

/**
 * The commit a branch, tag or commit names, from the model info's `sha`: asked
 * once, so every file of the download comes from that one commit.
 */
export async function resolveCommit(client: HubClient, repoId: string, revision: string, options: HubCallOptions): Promise<string> {
  const url = `${client.hubUrl}/api/models/${repoId}/revision/${encodeURIComponent(revision)}?expand=sha`;
  const { value } = await withRetries(() => getHubJson(client, url, { ...options, maxBytes: 1 << 20 }), options);
  const parsed = infoSchema.safeParse(value);
  if (!parsed.success) throw new TransferError("protocol", "the model info has no valid commit hash (sha)", { retryable: false });
  return parsed.data.sha;
}
