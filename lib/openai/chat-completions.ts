import { randomUUID } from "node:crypto";
import { errorResponse } from "./openai-errors";
import { readJsonBody } from "./read-json-body";
import { chatCompletionRequestSchema, toGenerationParams } from "./openai-requests";
import { collectReply, openAIFinish, sseResponse, startReply, usageBody, type OpenAIContext } from "./reply-stream";

/** `POST /v1/chat/completions`: the model's chat template applies; streamed or whole. */
export async function handleChatCompletions(request: Request, ctx: OpenAIContext): Promise<Response> {
  const requestId = randomUUID();
  try {
    const body = chatCompletionRequestSchema.parse(await readJsonBody(request));
    const messages = body.messages.map((m) => ({ role: m.role as "system" | "user" | "assistant", content: m.content }));
    const reply = await startReply(ctx, body.model, { messages }, toGenerationParams(body), request.signal);
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream) {
      return sseResponse(
        reply,
        {
          envelope: { id, object: "chat.completion.chunk", created, model: body.model },
          opening: { index: 0, delta: { role: "assistant", content: "" }, finish_reason: null },
          delta: (content) => ({ index: 0, delta: { content }, finish_reason: null }),
          finish: (reason) => ({ index: 0, delta: {}, finish_reason: reason }),
          includeUsage: body.stream_options?.include_usage === true,
        },
        requestId,
      );
    }
    const done = await collectReply(reply);
    return Response.json(
      {
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: done.text }, logprobs: null, finish_reason: openAIFinish(done.finishReason) }],
        usage: usageBody(done.usage),
      },
      { headers: { "x-request-id": requestId } },
    );
  } catch (error) {
    return errorResponse(error, requestId);
  }
}
