import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { createTemplateSandbox, sandboxScript } from "./template-sandbox";

const script = sandboxScript(process.cwd());
const sandbox = createTemplateSandbox({ script, timeoutMs: 1000, maxChars: 1000 });
afterAll(() => sandbox.close());

const CHAT = "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}";

describe("template sandbox", () => {
  it("renders every context, reports a template's own errors per context, and cuts long output", async () => {
    const result = await sandbox.render({
      template: `${CHAT}{% if messages[0].role == 'system' %}{{ raise_exception('no system role') }}{% endif %}`,
      contexts: [{ messages: [{ role: "user", content: "Hi" }], add_generation_prompt: true }, { messages: [{ role: "system", content: "S" }] }],
    });
    expect(result).toEqual({
      state: "rendered",
      outcomes: [
        { state: "rendered", text: "<user>Hi<assistant>", truncated: false },
        { state: "failed", message: "no system role" },
      ],
    });
    const long = await sandbox.render({ template: "{% for i in range(5000) %}ab{% endfor %}", contexts: [{}] });
    expect(long).toEqual({ state: "rendered", outcomes: [{ state: "rendered", text: "ab".repeat(500), truncated: true }] });
  });

  it("says a template does not parse", async () => {
    const result = await sandbox.render({ template: "{% for m in messages %}{{ m }", contexts: [{ messages: [] }] });
    expect(result.state === "error" && result.error.code).toBe("chat_template_invalid");
  });

  it("kills a template that runs too long or eats memory, then renders the next one in a new child", async () => {
    const started = performance.now();
    const loop = await sandbox.render({ template: "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", contexts: [{}] });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(loop.state === "error" && loop.error).toMatchObject({ code: "chat_template_timeout", message: "The chat template took too long to render (over 1 s); it may loop" });

    // Its own clock, long enough that only the heap limit can end it.
    const roomy = createTemplateSandbox({ script, timeoutMs: 20_000 });
    onTestFinished(() => roomy.close());
    const memory = await roomy.render({
      template: "{% set ns = namespace(x=[1]) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
      contexts: [{}],
    });
    expect(memory.state === "error" && memory.error).toMatchObject({ code: "chat_template_memory", message: "The chat template needs more than 64 MB of memory to render" });

    // Queued behind the killed ones, each with a clock of its own.
    const after = await Promise.all([1, 2, 3].map((n) => sandbox.render({ template: "{{ n * 2 }}", contexts: [{ n }] })));
    expect(after.map((r) => r.state === "rendered" && r.outcomes[0])).toEqual([2, 4, 6].map((n) => ({ state: "rendered", text: String(n), truncated: false })));
  });

  it("answers with a typed error when the child cannot start", async () => {
    const broken = createTemplateSandbox({ script: join(process.cwd(), "no-such-child.mjs") });
    const result = await broken.render({ template: "x", contexts: [{}] });
    expect(result.state === "error" && result.error.code).toBe("template_sandbox_failed");
  });

  it("never keeps a command alive once it has its answer", async () => {
    const program = `import { renderChatTemplate } from "./lib/chat-template/render-chat-template.ts";
      const r = await renderChatTemplate("{{ 1 + 1 }}", [{}]); console.log(JSON.stringify(r));`;
    const run = await execa("npx", ["tsx", "--input-type=module", "-e", program], { timeout: 30_000, reject: false });
    expect(run.timedOut).toBe(false);
    expect(JSON.parse(run.stdout)).toEqual({ state: "rendered", outcomes: [{ state: "rendered", text: "2", truncated: false }] });
  });
});
