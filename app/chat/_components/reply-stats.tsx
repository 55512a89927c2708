import type { ReplyStats as Stats } from "../../../lib/chat/chat-store";

/** Under each reply: how long the first token took and how fast the rest came. */
export function ReplyStats({ stats }: { stats: Stats }) {
  const parts = [
    stats.ttftMs !== null ? `first token ${Math.round(stats.ttftMs)} ms` : null,
    stats.tokensPerSecond !== null ? `${stats.tokensPerSecond.toFixed(1)} tokens/s` : null,
    `${stats.completionTokens} tokens`,
    stats.finishReason === "cancelled"
      ? "stopped"
      : stats.finishReason === "interrupted"
        ? "interrupted: the page was closed or reloaded"
        : stats.finishReason === "length"
          ? "max tokens reached"
          : null,
  ].filter(Boolean);
  return (
    <p data-testid="reply-stats" className="mt-1 text-xs text-stone-500">
      {parts.join(" · ")}
    </p>
  );
}
