import { handleListModels } from "../../../lib/openai/models-endpoint";
import { guarded } from "../../../server/auth/route-access";
import { appOpenAIContext } from "../../../server/openai/app-context";

export const dynamic = "force-dynamic";

export const GET = guarded("GET /v1/models", (_request, { services }) => {
  const { ctx, roots } = appOpenAIContext(services);
  return handleListModels(roots, ctx);
});
