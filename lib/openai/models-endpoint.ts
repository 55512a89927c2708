import type { ModelRoots } from "../models/resolve-model";
import { listRunnableModels, type OpenAIModel } from "./list-runnable-models";
import { errorResponse } from "./openai-errors";
import type { OpenAIContext } from "./reply-stream";

/** `GET /v1/models`; the preloaded model of `whet serve` comes first, as in mlx-knife. */
export async function handleListModels(roots: ModelRoots, ctx: Pick<OpenAIContext, "preload">): Promise<Response> {
  try {
    const models = await listRunnableModels(roots);
    const preload = ctx.preload;
    if (preload && !models.some((m) => m.id === preload.id)) {
      models.unshift({ id: preload.id, object: "model", created: Math.floor(Date.now() / 1000), owned_by: preload.ownedBy ?? "workspace", permission: [], context_length: null } satisfies OpenAIModel);
    }
    if (preload) models.sort((a, b) => (a.id === preload.id ? -1 : b.id === preload.id ? 1 : 0));
    return Response.json({ object: "list", data: models });
  } catch (error) {
    return errorResponse(error);
  }
}
