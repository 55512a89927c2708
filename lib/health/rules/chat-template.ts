import { renderChatTemplate } from "../../chat-template/render-chat-template";
import type { FolderFacts } from "../inspect-folder";
import { chatTemplateOf, tokenString } from "../token-fields";
import type { Rule } from "./rule";

const INSTRUCT_NAME = /instruct|chat|(^|[-_/])it($|[-_])/i;
const LAST_MESSAGE = "Tell me a joke.";

function sentence(text: string): string {
  return /[.…]$/.test(text) ? text : `${text}.`;
}

/**
 * Renders the template the way chat front ends call it, with and without a
 * system message, in the template sandbox (bounded in time and memory);
 * returns the sentence that says what is wrong, or null when it renders.
 */
async function renderError(source: string, facts: FolderFacts): Promise<string | null> {
  const config = facts.tokenizerConfig.state === "ok" ? facts.tokenizerConfig.value : {};
  const base = { bos_token: tokenString(config.bos_token) ?? "", eos_token: tokenString(config.eos_token) ?? "", add_generation_prompt: true };
  const conversation = [
    { role: "user", content: "Hello!" },
    { role: "assistant", content: "Hi, how can I help?" },
    { role: "user", content: LAST_MESSAGE },
  ];
  const result = await renderChatTemplate(source, [
    { ...base, messages: [{ role: "system", content: "You are helpful." }, ...conversation] },
    { ...base, messages: conversation },
  ]);
  if (result.state === "error") return sentence(result.error.message);
  const [withSystem, plain] = result.outcomes;
  // Many templates refuse a system role on purpose; the plain conversation decides.
  if (withSystem?.state === "rendered" && withSystem.text.includes(LAST_MESSAGE)) return null;
  if (plain?.state === "failed") return sentence(`The chat template fails on a simple conversation: ${plain.message}`);
  return plain?.state === "rendered" && plain.text.includes(LAST_MESSAGE) ? null : "The chat template renders without the user's message.";
}

/** ADR-018 B3: an instruct model needs a chat template, and the template must render a conversation. */
export const chatTemplate: Rule = async (facts) => {
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
  const error = await renderError(source, facts);
  if (error === null) return [];
  return [
    {
      id: "chat-template-broken",
      severity: "degrades-output",
      message: error,
      reason: "chat_template does not render",
      evidence: { file: facts.chatTemplateFile !== null && facts.tokenizerConfig.state !== "ok" ? "chat_template.jinja" : "tokenizer_config.json", field: "chat_template" },
      repair: null,
      hint: "Fix the template by hand or copy it again from the original model repository.",
    },
  ];
};
