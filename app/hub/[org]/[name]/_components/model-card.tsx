"use client";

import type { ComponentProps } from "react";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import "./model-card.css";

/**
 * A stranger's README rendered as markdown only: raw HTML is dropped
 * (`skipHtml`), links keep only safe schemes and open apart from this page
 * (`noopener nofollow noreferrer`), and images are never loaded. An image
 * from an arbitrary host would tell that host who reads the card and when
 * (a tracking pixel), and proxying them would make this server fetch any URL
 * a card names, the LAN included in team mode; so an image is shown as a
 * link to it, with its alt text.
 */
export function ModelCard({ markdown, baseUrl }: { markdown: string; baseUrl: string }) {
  const urlTransform = (url: string) => {
    const safe = defaultUrlTransform(url);
    if (!safe || safe.startsWith("#")) return safe;
    try {
      const absolute = new URL(safe, baseUrl);
      return absolute.protocol === "http:" || absolute.protocol === "https:" || absolute.protocol === "mailto:" ? absolute.href : "";
    } catch {
      return "";
    }
  };
  return (
    <div className="model-card" data-testid="model-card">
      <ReactMarkdown skipHtml urlTransform={urlTransform} components={{ a: CardLink, img: CardImage }}>
        {markdown}
      </ReactMarkdown>
    </div>
  );
}

function CardLink({ href, children }: ComponentProps<"a">) {
  if (!href) return <span>{children}</span>;
  if (href.startsWith("#")) return <a href={href}>{children}</a>;
  return (
    <a href={href} target="_blank" rel="noopener nofollow noreferrer">
      {children}
    </a>
  );
}

function CardImage({ src, alt }: ComponentProps<"img">) {
  const label = `Image: ${alt || "no description"}`;
  if (typeof src !== "string" || !src) return <span className="text-stone-500">[{label}]</span>;
  return (
    <a href={src} target="_blank" rel="noopener nofollow noreferrer" className="text-stone-500">
      [{label}]
    </a>
  );
}
