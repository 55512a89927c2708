"use client";

import ReactMarkdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";

/** Model output as markdown with highlighted code. Raw HTML in the output is shown as text, never run. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="chat-markdown">
      <ReactMarkdown rehypePlugins={[[rehypeHighlight, { detect: true, ignoreMissing: true }]]}>{text}</ReactMarkdown>
    </div>
  );
}
