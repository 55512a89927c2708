import { createHash } from "node:crypto";
import { getConfig } from "../config";
import type { WhetError } from "../errors";
import { createTemplateSandbox, sandboxScript, type SandboxResult, type TemplateSandbox } from "./template-sandbox";

export type { RenderOutcome, SandboxResult as ChatTemplateRender } from "./template-sandbox";

// One sandbox per process, kept on globalThis so `next dev` reloads do not start another child.
const holder = globalThis as typeof globalThis & { __whetTemplateSandbox?: TemplateSandbox };

/** Templates that had to be killed, by hash: listing models again must not wait out the same loop every time. */
const killed = new Map<string, WhetError>();
const KILLED_KEPT = 256;

/**
 * Renders a chat template against each context (messages, special tokens,
 * `add_generation_prompt`) in the process-wide template sandbox: bounded in
 * time, memory and output, so no template can stop the app or a CLI command.
 * The sandbox's child process is started on first use and reused.
 */
export async function renderChatTemplate(template: string, contexts: readonly Record<string, unknown>[]): Promise<SandboxResult> {
  const key = createHash("sha256").update(template).update("\0").update(JSON.stringify(contexts)).digest("hex");
  const known = killed.get(key);
  if (known) return { state: "error", error: known };
  holder.__whetTemplateSandbox ??= createTemplateSandbox({ script: sandboxScript(getConfig().projectRoot) });
  const result = await holder.__whetTemplateSandbox.render({ template, contexts });
  if (result.state === "error" && result.error.code !== "chat_template_invalid" && result.error.code !== "template_sandbox_failed") {
    if (killed.size >= KILLED_KEPT) killed.delete(killed.keys().next().value as string);
    killed.set(key, result.error);
  }
  return result;
}
