import type { RouteContext } from "./route-context";

/**
 * One page of a listing, and a `Link: <absolute url>; rel="next"` header when
 * more follow. The cursor is an opaque offset, like the Hub's; the JS client
 * only follows absolute http(s) URLs, so the link carries the origin.
 */
export function paginate<T>(ctx: RouteContext, items: readonly T[], limit = ctx.pageSize): T[] {
  const size = Math.max(1, Math.min(limit, ctx.pageSize));
  const offset = readCursor(ctx.url.searchParams.get("cursor"));
  const page = items.slice(offset, offset + size);
  if (offset + size < items.length) {
    const next = new URL(ctx.url.pathname + ctx.url.search, ctx.origin);
    next.searchParams.set("cursor", Buffer.from(JSON.stringify({ offset: offset + size })).toString("base64url"));
    ctx.res.setHeader("Link", `<${next.href}>; rel="next"`);
  }
  return page;
}

function readCursor(cursor: string | null): number {
  if (!cursor) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { offset?: unknown };
    return typeof offset === "number" && Number.isInteger(offset) && offset > 0 ? offset : 0;
  } catch {
    return 0;
  }
}
