import { z } from "zod";

/**
 * What python/runner_bridge.py writes, one JSON object per line. Parsed with
 * zod like any other input: a line that does not match is reported, not trusted.
 */
export const bridgeEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), phase: z.string(), done: z.number(), total: z.number() }),
  z.object({
    type: z.literal("ready"),
    model_type: z.string().nullable(),
    context_length: z.number().nullable(),
    chat_template: z.boolean(),
    tokenizer_fix: z.string().nullable(),
    load_s: z.number(),
    /** python/distributed_bridge.py only: every rank of the group, rank 0 first. */
    group: z
      .array(z.object({ rank: z.number().int().min(0).max(1024), pid: z.number().int().positive().nullable(), host: z.string().max(255).nullable() }))
      .max(1024)
      .optional(),
  }),
  z.object({ type: z.literal("load_error"), error_type: z.string(), message: z.string() }),
  z.object({ type: z.literal("pong"), id: z.string().nullable(), busy: z.string().nullable() }),
  z.object({ type: z.literal("start"), id: z.string(), prompt_tokens: z.number(), template: z.string() }),
  z.object({ type: z.literal("token"), id: z.string(), text: z.string() }),
  z.object({
    type: z.literal("done"),
    id: z.string(),
    finish_reason: z.enum(["stop", "length", "cancelled"]),
    prompt_tokens: z.number(),
    completion_tokens: z.number(),
    prompt_tps: z.number().nullish(),
    generation_tps: z.number().nullish(),
  }),
  z.object({ type: z.literal("encoded"), id: z.string(), tokens: z.array(z.number()) }),
  z.object({ type: z.literal("counted"), id: z.string(), prompt_tokens: z.number().int().min(0) }),
  z.object({ type: z.literal("error"), id: z.string().nullable(), error_type: z.string(), message: z.string() }),
]);

export type BridgeEvent = z.infer<typeof bridgeEventSchema>;

/** Parses one stdout line; null for anything that is not a protocol event. */
export function parseBridgeLine(line: string): BridgeEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = bridgeEventSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
