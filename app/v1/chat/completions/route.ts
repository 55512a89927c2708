import { handleChatCompletions } from "../../../../lib/openai/chat-completions";
import { guarded } from "../../../../server/auth/route-access";
import { appOpenAIContext } from "../../../../server/openai/app-context";

export const dynamic = "force-dynamic";

export const POST = guarded("POST /v1/chat/completions", (request, { services }) => handleChatCompletions(request, appOpenAIContext(services).ctx));
