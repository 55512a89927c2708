import type { ModelRoots } from "../../lib/models/resolve-model";
import type { OpenAIContext } from "../../lib/openai/reply-stream";
import { refusal } from "../security/request-guard";
import { getServices } from "../services";

/** What the app's /v1 routes share: the process-wide runner pool and the model roots. */
export function appOpenAIContext(): { ctx: OpenAIContext; roots: ModelRoots } {
  const { config, runners } = getServices();
  return { ctx: { pool: runners }, roots: { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot } };
}

/** Route handlers check Host and Origin themselves too; the proxy alone is not relied on. */
export function refuseForeign(request: Request): Response | null {
  return refusal(request, { api: true });
}
