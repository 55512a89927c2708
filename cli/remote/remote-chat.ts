import { z } from "zod";
import { WhetError } from "../../lib/errors";
import type { CollectedReply } from "../../lib/openai/reply-stream";
import { remoteFetch } from "../../lib/remote/remote-fetch";
import type { ChatMessage, GenerationParams } from "../../lib/runner/generation-params";
import type { RemoteTarget } from "./remote-target";

const chunkSchema = z.looseObject({
  choices: z.array(z.looseObject({ delta: z.looseObject({ content: z.string().nullish() }).nullish(), finish_reason: z.string().nullish() })).max(8).default([]),
  usage: z.object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) }).nullish(),
  error: z.looseObject({ message: z.string().max(2000), code: z.string().max(100).nullish(), hint: z.string().max(2000).nullish() }).nullish(),
});
const errorSchema = z.object({ error: z.looseObject({ message: z.string().max(2000), code: z.string().max(100).nullish(), hint: z.string().max(2000).nullish() }) });

/**
 * One reply from a model on a remote Whetstone, through its OpenAI API
 * (`/v1/chat/completions`, streamed, the token's `chat` scope): each piece of
 * text to `onText` as it arrives, then the reply whole.
 */
/** One event of a reply is a few tokens: anything this long is not an OpenAI event stream. */
const MAX_EVENT_CHARS = 1_000_000;

function notAStream(label: string): WhetError {
  return new WhetError("remote_protocol", `${label} answered with something that is not an OpenAI event stream`, "Check that the URL is a Whetstone in team mode, and its version.");
}

function parseChunk(data: string, label: string) {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw notAStream(label);
  }
  const parsed = chunkSchema.safeParse(json);
  if (!parsed.success) throw notAStream(label);
  return parsed.data;
}

export async function remoteChat(
  target: RemoteTarget,
  model: string,
  messages: ChatMessage[],
  params: GenerationParams,
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<CollectedReply> {
  const fetcher = remoteFetch({ token: target.token, fingerprint: target.fingerprint, label: target.label, insecure: target.insecure === true, idleTimeoutMs: 300_000 });
  const started = performance.now();
  const response = await fetcher(`${target.url.replace(/\/+$/, "")}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    signal,
    body: JSON.stringify({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(params.maxTokens != null ? { max_tokens: params.maxTokens } : {}),
      ...(params.temperature != null ? { temperature: params.temperature } : {}),
      ...(params.topP != null ? { top_p: params.topP } : {}),
      ...(params.repetitionPenalty != null ? { repetition_penalty: params.repetitionPenalty } : {}),
      ...(params.stop.length ? { stop: params.stop } : {}),
      ...(params.seed != null ? { seed: params.seed } : {}),
    }),
  });
  if (!response.ok || !response.body) {
    const parsed = errorSchema.safeParse(await response.json().catch(() => null));
    const error = parsed.success ? parsed.data.error : { message: `${target.label} answered HTTP ${response.status}`, code: "remote_error", hint: null };
    throw new WhetError(error.code ?? "remote_error", error.message, error.hint ?? "Check the model's name with `whet --remote NAME list`.");
  }
  const reply: CollectedReply = { text: "", finishReason: "cancelled", usage: { promptTokens: 0, completionTokens: 0 }, timings: null };
  let firstToken: number | null = null;
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      if (buffer.length > MAX_EVENT_CHARS) throw notAStream(target.label);
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
        if (!data || data === "[DONE]") continue;
        const chunk = parseChunk(data, target.label);
        if (chunk.error) throw new WhetError(chunk.error.code ?? "generation_failed", chunk.error.message, chunk.error.hint ?? "Try again, or check the model on its workspace page.");
        for (const choice of chunk.choices) {
          const text = choice.delta?.content ?? "";
          if (text) {
            firstToken ??= performance.now();
            reply.text += text;
            onText(text);
          }
          if (choice.finish_reason === "length" || choice.finish_reason === "stop") reply.finishReason = choice.finish_reason;
        }
        if (chunk.usage) reply.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  const totalMs = performance.now() - started;
  const generatingS = firstToken === null ? 0 : (performance.now() - firstToken) / 1000;
  // Measured here, so the first token's time includes the network and the remote's queue and model load.
  reply.timings = { waitMs: 0, ttftMs: firstToken === null ? null : firstToken - started, totalMs, tokensPerSecond: generatingS > 0 ? reply.usage.completionTokens / generatingS : null };
  return reply;
}
