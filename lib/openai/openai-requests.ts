import { z } from "zod";
import { generationParamsSchema, type GenerationParams } from "../runner/generation-params";

/** Message content as OpenAI clients send it: a string, or parts of which the text ones count. */
const contentSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).transform((parts) =>
    parts.filter((p) => p.type === "text" && typeof p.text === "string").map((p) => p.text as string).join(""),
  ),
  z.null().transform(() => ""),
]);

const stopSchema = z
  .union([z.string(), z.array(z.string())])
  .nullish()
  .transform((s) => (s == null ? [] : Array.isArray(s) ? s : [s]).filter((x) => x !== ""));

/** Fields both endpoints share; unknown OpenAI fields (logprobs, user, …) are accepted and ignored. */
const samplingFields = {
  model: z.string().min(1).max(500),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  repetition_penalty: z.number().min(0.5).max(2).nullish(),
  stop: stopSchema,
  seed: z.number().int().min(0).nullish(),
  n: z.literal(1).nullish(),
};

export const chatCompletionRequestSchema = z.looseObject({
  ...samplingFields,
  messages: z
    .array(
      z.looseObject({
        // "developer" is the newer name OpenAI's clients use for a system message.
        role: z.enum(["system", "developer", "user", "assistant"]).transform((r) => (r === "developer" ? "system" : r)),
        content: contentSchema,
      }),
    )
    .min(1),
});

export const completionRequestSchema = z.looseObject({
  ...samplingFields,
  prompt: z.union([z.string(), z.array(z.string()).length(1, "Send one prompt per request").transform((p) => p[0] as string)]),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

/** Maps OpenAI's field names onto the runner's settings, keeping mlx-knife's defaults where a field is absent. */
export function toGenerationParams(body: ChatCompletionRequest | CompletionRequest): GenerationParams {
  return generationParamsSchema.parse({
    ...(body.temperature != null ? { temperature: body.temperature } : {}),
    ...(body.top_p != null ? { topP: body.top_p } : {}),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    ...(body.repetition_penalty != null ? { repetitionPenalty: body.repetition_penalty } : {}),
    stop: body.stop,
    seed: body.seed ?? null,
  });
}
