import { randomUUID } from "node:crypto";
import { errorResponse } from "./openai-errors";
import { readJsonBody } from "./read-json-body";
import { completionRequestSchema, toGenerationParams } from "./openai-requests";
import { collectReply, openAIFinish, sseResponse, startReply, usageBody, type OpenAIContext } from "./reply-stream";

/** `POST /v1/completions`: raw text in, no chat template; streamed or whole. */
export async function handleCompletions(request: Request, ctx: OpenAIContext): Promise<Response> {
  const requestId = randomUUID();
  try {
    const body = completionRequestSchema.parse(await readJsonBody(request));
    const reply = await startReply(ctx, body.model, { prompt: body.prompt }, toGenerationParams(body), request.signal);
    const id = `cmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream) {
      return sseResponse(
        reply,
        {
          envelope: { id, object: "text_completion", created, model: body.model },
          opening: null,
          delta: (text) => ({ index: 0, text, logprobs: null, finish_reason: null }),
          finish: (reason) => ({ index: 0, text: "", logprobs: null, finish_reason: reason }),
          includeUsage: body.stream_options?.include_usage === true,
        },
        requestId,
      );
    }
    const done = await collectReply(reply);
    return Response.json(
      {
        id,
        object: "text_completion",
        created,
        model: body.model,
        choices: [{ index: 0, text: done.text, logprobs: null, finish_reason: openAIFinish(done.finishReason) }],
        usage: usageBody(done.usage),
      },
      { headers: { "x-request-id": requestId } },
    );
  } catch (error) {
    return errorResponse(error, requestId);
  }
}
