import { Template } from "@huggingface/jinja";
import type { FolderFacts } from "../inspect-folder";
import { chatTemplateOf, tokenString } from "../token-fields";
import type { Rule } from "./rule";

const INSTRUCT_NAME = /instruct|chat|(^|[-_/])it($|[-_])/i;

/** Renders the template the way chat front ends call it; returns the error text, or null when it renders. */
function renderError(source: string, facts: FolderFacts): string | null {
  const config = facts.tokenizerConfig.state === "ok" ? facts.tokenizerConfig.value : {};
  const base = { bos_token: tokenString(config.bos_token) ?? "", eos_token: tokenString(config.eos_token) ?? "", add_generation_prompt: true };
  const conversation = [
    { role: "user", content: "Hello!" },
    { role: "assistant", content: "Hi, how can I help?" },
    { role: "user", content: "Tell me a joke." },
  ];
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    return `does not parse: ${(error as Error).message}`;
  }
  try {
    const withSystem = template.render({ ...base, messages: [{ role: "system", content: "You are helpful." }, ...conversation] });
    if (withSystem.includes("Tell me a joke.")) return null;
  } catch {
    // Many templates refuse a system role on purpose; the plain conversation below decides.
  }
  try {
    const plain = template.render({ ...base, messages: conversation });
    return plain.includes("Tell me a joke.") ? null : "renders without the user's message";
  } catch (error) {
    return `fails on a simple conversation: ${(error as Error).message}`;
  }
}

/** ADR-018 B3: an instruct model needs a chat template, and the template must render a conversation. */
export const chatTemplate: Rule = (facts) => {
  if (facts.tokenizerConfig.state !== "ok" && facts.chatTemplateFile === null) return [];
  const source = chatTemplateOf(facts.tokenizerConfig.state === "ok" ? facts.tokenizerConfig.value : null, facts.chatTemplateFile);
  if (source === null) {
    if (!INSTRUCT_NAME.test(facts.name)) return [];
    return [
      {
        id: "chat-template-missing",
        severity: "degrades-output",
        message: `${facts.name} looks like an instruct/chat model but has no chat template, so chat prompts are not formatted the way it was trained.`,
        reason: "Instruct model without chat_template",
        evidence: { file: "tokenizer_config.json", field: "chat_template" },
        repair: null,
        hint: "Copy chat_template from the original model's tokenizer_config.json (or its chat_template.jinja) into the folder.",
      },
    ];
  }
  const error = renderError(source, facts);
  if (error === null) return [];
  return [
    {
      id: "chat-template-broken",
      severity: "degrades-output",
      message: `The chat template ${error}.`,
      reason: "chat_template does not render",
      evidence: { file: facts.chatTemplateFile !== null && facts.tokenizerConfig.state !== "ok" ? "chat_template.jinja" : "tokenizer_config.json", field: "chat_template" },
      repair: null,
      hint: "Fix the template by hand or copy it again from the original model repository.",
    },
  ];
};
