import { listModels } from "../models/list-models";
import type { ModelRoots } from "../models/resolve-model";

export interface OpenAIModel {
  id: string;
  object: "model";
  created: number;
  owned_by: "workspace" | "hf-cache";
  permission: [];
  context_length: number | null;
}

/**
 * `GET /v1/models`: every workspace (by its name) and cached model (as
 * org/name) that would load — healthy, MLX and a text model — so a client
 * never offers one that fails on first use.
 */
export async function listRunnableModels(roots: ModelRoots): Promise<OpenAIModel[]> {
  const described = await listModels(roots);
  return described
    .filter((d) => d.model.runtime_compatible && !d.model.capabilities.includes("audio") && !d.model.capabilities.includes("embeddings"))
    .map((d) => ({
      id: d.kind === "workspace" ? (d.model.display_name ?? d.model.name) : d.model.name,
      object: "model" as const,
      created: Math.floor(new Date(d.model.last_modified).getTime() / 1000),
      owned_by: d.kind === "workspace" ? ("workspace" as const) : ("hf-cache" as const),
      permission: [] as [],
      context_length: typeof d.config?.max_position_embeddings === "number" ? d.config.max_position_embeddings : null,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
