import { WhetError } from "../../lib/errors";
import type { CollectedReply } from "../../lib/openai/reply-stream";
import { generationParamsSchema, type ChatMessage, type GenerationInput, type GenerationParams } from "../../lib/runner/generation-params";
import { createRunnerPool } from "../../lib/runner/runner-pool";
import type { ModelRunner } from "../../lib/runner/model-runner";
import { UsageError, type Command, type CommandContext } from "../command";
import { GROUP_USAGE, groupOptions, groupRequestFrom, withFetchedShards } from "../group-options";
import { remoteChat } from "../remote/remote-chat";

function number(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined || typeof value === "boolean") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number (got '${value}')`);
  return n;
}

function paramsFrom(values: Record<string, string | boolean | undefined>, stop: string[]): GenerationParams {
  const parsed = generationParamsSchema.safeParse({
    temperature: number(values.temperature, "--temperature"),
    topP: number(values["top-p"], "--top-p"),
    maxTokens: number(values["max-tokens"], "--max-tokens") ?? null,
    repetitionPenalty: number(values["repetition-penalty"], "--repetition-penalty"),
    stop,
    seed: number(values.seed, "--seed") ?? null,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue?.path[0] ?? "option").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Streams one reply to the terminal (when there is one) and returns it whole. Ctrl-C stops the reply, not the program. */
async function streamReply(runner: ModelRunner, input: GenerationInput, params: GenerationParams, ctx: CommandContext): Promise<CollectedReply> {
  const controller = new AbortController();
  const release = ctx.onInterrupt?.(() => controller.abort()) ?? (() => undefined);
  let text = "";
  let started = false;
  try {
    for await (const event of runner.generate(input, params, controller.signal)) {
      if (event.type === "loading") ctx.progress(`loading ${runner.name}: ${event.phase}`);
      if (event.type === "delta") {
        if (!started) ctx.progress("");
        started = true;
        text += event.text;
        if (!ctx.json) ctx.write?.(event.text);
      }
      if (event.type === "done") return { text, finishReason: event.finishReason, usage: event.usage, timings: event.timings };
    }
    return { text, finishReason: "cancelled", usage: { promptTokens: 0, completionTokens: 0 }, timings: null };
  } finally {
    release();
  }
}

function statsLine(reply: CollectedReply): string {
  const parts = [`${reply.usage.completionTokens} tokens`];
  if (reply.timings?.tokensPerSecond) parts.push(`${reply.timings.tokensPerSecond.toFixed(1)} tok/s`);
  if (reply.timings?.ttftMs != null) parts.push(`first token ${Math.round(reply.timings.ttftMs)} ms`);
  if (reply.finishReason === "cancelled") parts.push("stopped");
  if (reply.finishReason === "length") parts.push("max tokens reached");
  return `[${parts.join(" · ")}]`;
}

async function interactive(runner: ModelRunner, system: string | undefined, params: GenerationParams, ctx: CommandContext): Promise<number> {
  const readLine = ctx.readLine;
  if (!readLine) throw new WhetError("no_terminal", "Interactive chat needs a terminal to read from", "Pass a prompt: whet run MODEL \"your prompt\".");
  ctx.note?.(`Chatting with ${runner.name}. /clear starts over, /exit (or Ctrl-D) leaves; Ctrl-C stops a reply.\n`);
  let messages: ChatMessage[] = system ? [{ role: "system", content: system }] : [];
  let turns = 0;
  for (;;) {
    const line = await readLine(">>> ");
    if (line === null || line.trim() === "/exit" || line.trim() === "/quit") return turns;
    if (line.trim() === "") continue;
    if (line.trim() === "/clear") {
      messages = messages.filter((m) => m.role === "system");
      continue;
    }
    messages.push({ role: "user", content: line });
    const reply = await streamReply(runner, { messages }, params, ctx);
    messages.push({ role: "assistant", content: reply.text });
    turns += 1;
    ctx.write?.("\n");
    ctx.note?.(`${statsLine(reply)}\n`);
  }
}

/** mlx-knife's fields for one reply, from a model run here or on a remote Whetstone. */
function replyData(model: string, prompt: string, reply: CollectedReply) {
  return {
    model,
    prompt,
    response: reply.text,
    tokens_generated: reply.usage.completionTokens,
    generation_time_s: reply.timings ? Math.round(reply.timings.totalMs) / 1000 : null,
    prompt_tokens: reply.usage.promptTokens,
    finish_reason: reply.finishReason,
    time_to_first_token_ms: reply.timings?.ttftMs ?? null,
    tokens_per_second: reply.timings?.tokensPerSecond ?? null,
  };
}

export const runCommand: Command = {
  name: "run",
  summary: "Chat with a model: one prompt, or an interactive chat without one",
  usage: `whet run MODEL [PROMPT] [--system S] [--max-tokens N] [--temperature T] [--top-p P] [--repetition-penalty R] [--stop S]... [--seed N] [--no-chat-template] ${GROUP_USAGE}`,
  options: {
    prompt: { type: "string" },
    system: { type: "string" },
    "max-tokens": { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "repetition-penalty": { type: "string" },
    stop: { type: "string", multiple: true },
    seed: { type: "string" },
    "no-chat-template": { type: "boolean" },
    ...groupOptions,
  },
  async run(positionals, values, ctx) {
    const [spec, ...rest] = positionals;
    if (!spec) throw new UsageError("run needs MODEL");
    const prompt = typeof values.prompt === "string" ? values.prompt : rest.length ? rest.join(" ") : null;
    const stop = (values as Record<string, unknown>).stop;
    const params = paramsFrom(values, Array.isArray(stop) ? (stop as string[]) : []);
    const system = typeof values.system === "string" ? values.system : undefined;
    if (prompt === null && ctx.json) {
      throw new WhetError("usage_error", "Interactive mode is not compatible with JSON output", "Pass a prompt: whet run MODEL \"your prompt\" --json.");
    }

    const group = await withFetchedShards(spec, await groupRequestFrom(values), values, ctx);
    const pool = createRunnerPool({ config: ctx.config, allowPaths: true });
    try {
      const { runner, name } = await pool.runnerFor(spec, group ? { group } : {});
      if (prompt === null) {
        const turns = await interactive(runner, system, params, ctx);
        return { ok: true, data: { model: name, turns }, human: "" };
      }
      const input: GenerationInput = values["no-chat-template"]
        ? { prompt }
        : { messages: [...(system ? [{ role: "system" as const, content: system }] : []), { role: "user" as const, content: prompt }] };
      const reply = await streamReply(runner, input, params, ctx);
      if (!ctx.json) ctx.note?.(`\n${statsLine(reply)}\n`);
      return { ok: true, data: { ...replyData(name, prompt, reply), ...(group ? { distributed: runner.status().group } : {}) }, human: "" };
    } finally {
      await pool.stopAll();
    }
  },
  /** One prompt to a model on the remote, through its OpenAI API with the token (the `chat` scope); the interactive chat is its Chat page. */
  async remote(positionals, values, ctx) {
    const [spec, ...rest] = positionals;
    if (!spec) throw new UsageError("run needs MODEL");
    const prompt = typeof values.prompt === "string" ? values.prompt : rest.length ? rest.join(" ") : null;
    if (prompt === null) throw new UsageError(`On a remote Whetstone, run takes a PROMPT; chat interactively on ${ctx.target.label}'s Chat page`);
    if (values["no-chat-template"] === true || Object.keys(groupOptions).some((flag) => values[flag] !== undefined)) {
      throw new UsageError("--no-chat-template and the distributed options are for models run on this machine");
    }
    const stop = (values as Record<string, unknown>).stop;
    const params = paramsFrom(values, Array.isArray(stop) ? (stop as string[]) : []);
    const system = typeof values.system === "string" ? values.system : undefined;
    const messages: ChatMessage[] = [...(system ? [{ role: "system" as const, content: system }] : []), { role: "user" as const, content: prompt }];
    const controller = new AbortController();
    const release = ctx.onInterrupt?.(() => controller.abort()) ?? (() => undefined);
    ctx.progress(`waiting for ${spec} on ${ctx.target.label}`);
    let started = false;
    try {
      const reply = await remoteChat(ctx.target, spec, messages, params, (text) => {
        if (!started) ctx.progress("");
        started = true;
        if (!ctx.json) ctx.write?.(text);
      }, controller.signal);
      if (!ctx.json) ctx.note?.(`\n${statsLine(reply)}\n`);
      return { ok: true, data: replyData(spec, prompt, reply), human: "" };
    } finally {
      release();
      ctx.progress("");
    }
  },

};
