/** What a caller of `generate` sees, in order: waiting, loading, then the reply. */
export type RunEvent =
  | { type: "queued"; position: number }
  | { type: "loading"; phase: string; done: number; total: number }
  | { type: "start"; promptTokens: number; template: string }
  | { type: "delta"; text: string }
  | { type: "done"; finishReason: FinishReason; usage: Usage; timings: Timings };

export type FinishReason = "stop" | "length" | "cancelled";

/** Token counts from the model's tokenizer, not an estimate. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface Timings {
  /** Queue wait and model load before generation began. */
  waitMs: number;
  /** From handing the request to the runner to its first token. */
  ttftMs: number | null;
  /** Completion tokens per second after the first one, measured where Node receives them. */
  tokensPerSecond: number | null;
  totalMs: number;
}
