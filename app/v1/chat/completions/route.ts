import { handleChatCompletions } from "../../../../lib/openai/chat-completions";
import { appOpenAIContext, refuseForeign } from "../../../../server/openai/app-context";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return refuseForeign(request) ?? handleChatCompletions(request, appOpenAIContext().ctx);
}
