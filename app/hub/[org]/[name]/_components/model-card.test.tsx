import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ModelCard } from "./model-card";

const render = (markdown: string) => renderToStaticMarkup(<ModelCard markdown={markdown} baseUrl="https://hub.example/acme/tiny/blob/main/" />);

describe("ModelCard (a stranger's README)", () => {
  it("drops scripts and every other raw HTML, keeping the markdown", () => {
    const html = render(
      '# Title\n\n<script>alert(1)</script>\n\nText with <img src=x onerror="alert(2)"> inline <b>bold</b>.\n\n<iframe src="https://evil.example"></iframe>\n\n**real bold**',
    );
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>real bold</strong>");
    expect(html).not.toMatch(/<script|<iframe|<img|onerror|<b>/i);
    expect(html).not.toContain("alert(");
  });

  it("keeps only safe links, opened apart and unfollowed; relative ones point at the repo", () => {
    const html = render("[a](javascript:alert(1)) [b](https://example.com/x) [c](LICENSE) [d](#usage)");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<a href="https://example.com/x" target="_blank" rel="noopener nofollow noreferrer">b</a>');
    expect(html).toContain('href="https://hub.example/acme/tiny/blob/main/LICENSE"');
    expect(html).toContain('<a href="#usage">d</a>');
  });

  it("never loads an image: it becomes a link with its alt text", () => {
    const html = render("![a chart](https://tracker.example/pixel.png)");
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://tracker.example/pixel.png" target="_blank" rel="noopener nofollow noreferrer" class="text-stone-500">[Image: a chart]</a>');
  });
});
