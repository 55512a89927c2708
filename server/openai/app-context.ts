import { getConfig } from "../../lib/config";
import type { ModelRoots } from "../../lib/models/resolve-model";
import type { OpenAIContext } from "../../lib/openai/reply-stream";
import { getRunnerPool } from "../../lib/runner/runner-pool";
import { refusal } from "../security/request-guard";

/** What the app's /v1 routes share: the process-wide runner pool and the model roots. */
export function appOpenAIContext(): { ctx: OpenAIContext; roots: ModelRoots } {
  const config = getConfig();
  return { ctx: { pool: getRunnerPool(config) }, roots: { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot } };
}

/** Route handlers check Host and Origin themselves too; the proxy alone is not relied on. */
export function refuseForeign(request: Request): Response | null {
  return refusal(request, { api: true });
}
