import { handleCompletions } from "../../../lib/openai/completions";
import { guarded } from "../../../server/auth/route-access";
import { appOpenAIContext } from "../../../server/openai/app-context";

export const dynamic = "force-dynamic";

export const POST = guarded("POST /v1/completions", (request, { services }) => handleCompletions(request, appOpenAIContext(services).ctx));
