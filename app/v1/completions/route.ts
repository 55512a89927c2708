import { handleCompletions } from "../../../lib/openai/completions";
import { appOpenAIContext, refuseForeign } from "../../../server/openai/app-context";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return refuseForeign(request) ?? handleCompletions(request, appOpenAIContext().ctx);
}
