import { WhetError } from "../errors";
import { isModelName } from "../models/model-name";
import type { GenerationInput, GenerationParams } from "../runner/generation-params";
import type { FinishReason, RunEvent, Timings, Usage } from "../runner/run-events";
import type { RunnerPool } from "../runner/runner-pool";
import { errorBody } from "./openai-errors";

export interface OpenAIContext {
  pool: RunnerPool;
  /** The model `whet serve --model SPEC` was started with: requests may name it by this id, even when it is a path. */
  preload?: { id: string; spec: string; ownedBy?: "workspace" | "hf-cache" } | null;
}

export interface StartedReply {
  /** Events after the runner began this request (start, deltas, done). */
  events: AsyncGenerator<RunEvent>;
  promptTokens: number;
}

/** Models are asked for by name over HTTP; a path is only honoured when it is the preloaded model. */
function specFor(model: string, ctx: OpenAIContext): string {
  if (ctx.preload && model === ctx.preload.id) return ctx.preload.spec;
  if (!isModelName(model)) {
    throw new WhetError("invalid_model", `Model '${model.slice(0, 200)}' is a path, not a model name`, "Name a model from GET /v1/models (a workspace name or org/name[@rev]).");
  }
  return model;
}

/**
 * Queues the request and waits until the runner starts on it, so a model that
 * cannot be found or loaded is an HTTP error rather than a broken stream.
 */
export async function startReply(ctx: OpenAIContext, model: string, input: GenerationInput, params: GenerationParams, signal: AbortSignal): Promise<StartedReply> {
  const { runner } = await ctx.pool.runnerFor(specFor(model, ctx));
  const events = runner.generate(input, params, signal);
  for (;;) {
    const next = await events.next();
    if (next.done) throw new WhetError("cancelled", "The request was cancelled before generation began", "Send it again.");
    if (next.value.type === "start") return { events, promptTokens: next.value.promptTokens };
  }
}

export interface CollectedReply {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  timings: Timings | null;
}

export async function collectReply(reply: StartedReply): Promise<CollectedReply> {
  let text = "";
  for await (const event of reply.events) {
    if (event.type === "delta") text += event.text;
    if (event.type === "done") return { text, finishReason: event.finishReason, usage: event.usage, timings: event.timings };
  }
  return { text, finishReason: "cancelled", usage: { promptTokens: reply.promptTokens, completionTokens: 0 }, timings: null };
}

/** OpenAI has no "cancelled": a reply the client stopped simply stopped. */
export function openAIFinish(reason: FinishReason): "stop" | "length" {
  return reason === "length" ? "length" : "stop";
}

export function usageBody(usage: Usage) {
  return { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens };
}

export interface ChunkShape {
  /** The chunk with the reply's first choice (chat sends the role first). */
  opening: Record<string, unknown> | null;
  delta(text: string): Record<string, unknown>;
  finish(reason: "stop" | "length" | "error"): Record<string, unknown>;
  /** Fields every chunk carries: id, object, created, model. */
  envelope: Record<string, unknown>;
  includeUsage: boolean;
}

/**
 * Server-sent events in OpenAI's chunk format, ending in `data: [DONE]`. A
 * failure mid-reply is sent as a chunk with `error` (the openai SDK raises it)
 * before [DONE]. A client that disconnects stops the generation.
 */
export function sseResponse(reply: StartedReply, shape: ChunkShape, requestId: string): Response {
  const encoder = new TextEncoder();
  const line = (value: unknown) => encoder.encode(`data: ${JSON.stringify(value)}\n\n`);
  const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => line({ ...shape.envelope, choices: [choice], ...extra });
  let opened = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!opened) {
        opened = true;
        if (shape.opening) controller.enqueue(chunk(shape.opening));
      }
      try {
        const next = await reply.events.next();
        if (next.done) {
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          return controller.close();
        }
        const event = next.value;
        if (event.type === "delta") controller.enqueue(chunk(shape.delta(event.text)));
        if (event.type === "done") {
          controller.enqueue(chunk(shape.finish(openAIFinish(event.finishReason))));
          if (shape.includeUsage) controller.enqueue(line({ ...shape.envelope, choices: [], usage: usageBody(event.usage) }));
        }
      } catch (error) {
        const body = errorBody(error instanceof WhetError ? error : new WhetError("internal_error", String(error), "Try again."), requestId);
        controller.enqueue(chunk(shape.finish("error"), { error: body.error }));
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      }
    },
    async cancel() {
      await reply.events.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "x-request-id": requestId,
    },
  });
}
