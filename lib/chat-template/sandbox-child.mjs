// The chat-template sandbox: a Node process of its own (see template-sandbox.ts) that renders
// templates with @huggingface/jinja. A template is someone else's program: one that loops or
// allocates without end takes this process down, never the app or the CLI that asked. Plain
// JavaScript, so it starts without a TypeScript loader under tsx, vitest, Next.js and the bundle.
import { Template } from "@huggingface/jinja";

function message(error) {
  return error instanceof Error ? error.message : String(error);
}

function render(request) {
  let template;
  try {
    template = new Template(request.template);
  } catch (error) {
    return { id: request.id, parseError: message(error) };
  }
  const outcomes = request.contexts.map((context) => {
    try {
      const text = template.render(context);
      return text.length > request.maxChars
        ? { state: "rendered", text: text.slice(0, request.maxChars), truncated: true }
        : { state: "rendered", text, truncated: false };
    } catch (error) {
      return { state: "failed", message: message(error) };
    }
  });
  return { id: request.id, outcomes };
}

process.on("message", (request) => process.send?.(render(request)));
// The parent went away: nothing is left to answer.
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
