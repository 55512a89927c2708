import { basename } from "node:path";
import { z } from "zod";
import { verifyLoad, type LoadCheck } from "../mlx/verify-load";
import { defineOperation, type BaseProgress } from "./operation";

export const verifyLoadInput = z.object({
  /** The model folder to load. */
  path: z.string().min(1),
  /** How the model is shown (workspace name or org/name). */
  name: z.string().max(300).optional(),
  maxTokens: z.number().int().min(1).max(256).optional(),
});

export type VerifyLoadProgress = BaseProgress & { phase: "loading" | "done"; unit: "steps" };

/** Loads a model in mlx-lm and generates a few tokens: the proof that it runs, not only that it is well-formed. */
export const verifyLoadOperation = defineOperation({
  kind: "verify-load",
  queue: "checks",
  input: verifyLoadInput,
  resumable: false,
  title: (input) => `Load ${input.name ?? basename(input.path)} in mlx-lm`,
  key: (input) => `verify:${input.path}`,
  async *run(input, deps): AsyncGenerator<VerifyLoadProgress, LoadCheck> {
    yield { phase: "loading", done: 0, total: 1, unit: "steps" };
    const check = await verifyLoad(input.path, deps.config, { signal: deps.signal, ...(input.maxTokens ? { maxTokens: input.maxTokens } : {}) });
    yield { phase: "done", done: 1, total: 1, unit: "steps" };
    return check;
  },
});
