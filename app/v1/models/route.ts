import { handleListModels } from "../../../lib/openai/models-endpoint";
import { appOpenAIContext, refuseForeign } from "../../../server/openai/app-context";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const { ctx, roots } = appOpenAIContext();
  return refuseForeign(request) ?? handleListModels(roots, ctx);
}
