import { z } from "zod";

/**
 * Sampling settings every front end accepts. Defaults follow mlx-knife's
 * server (temperature 0.7, top_p 0.9, repetition penalty 1.1) so replies
 * match what its users are used to.
 */
export const generationParamsSchema = z.object({
  temperature: z.number().min(0).max(2).default(0.7),
  topP: z.number().gt(0).max(1).default(0.9),
  /** Most tokens to generate; null: min(32,768, the context left after the prompt), as mlx-knife 2.0.8 does. */
  maxTokens: z.number().int().positive().max(1_000_000).nullable().default(null),
  repetitionPenalty: z.number().min(0.5).max(2).nullable().default(1.1),
  stop: z.array(z.string().min(1).max(200)).max(8).default([]),
  seed: z.number().int().min(0).max(2 ** 32 - 1).nullable().default(null),
});

export type GenerationParams = z.infer<typeof generationParamsSchema>;
export type GenerationParamsInput = z.input<typeof generationParamsSchema>;

export const chatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string().max(1_000_000),
});

export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** What to generate from: a conversation (the model's chat template applies) or raw text (none does). */
export type GenerationInput = { messages: ChatMessage[] } | { prompt: string };
