import type { ModelRoots } from "../../lib/models/resolve-model";
import type { OpenAIContext } from "../../lib/openai/reply-stream";
import type { Services } from "../services";

/** What the app's /v1 routes share: the process-wide runner pool and the model roots. */
export function appOpenAIContext(services: Services): { ctx: OpenAIContext; roots: ModelRoots } {
  const { config, runners } = services;
  return { ctx: { pool: runners }, roots: { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot } };
}
