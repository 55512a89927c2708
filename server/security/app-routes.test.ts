import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as trpcGet, POST as trpcPost } from "../../app/api/trpc/[trpc]/route";
import { GET as modelsGet } from "../../app/v1/models/route";
import { proxy } from "../../proxy";

const HOST = "127.0.0.1:3100";
const sameSite = { host: HOST, "sec-fetch-site": "same-site" };

describe("the app's API and pages against other local sites (issue #10 finding 10)", () => {
  it("refuses same-site requests without Origin on every API route, SSE subscriptions included", async () => {
    const subscription = `http://${HOST}/api/trpc/chat.reply?input=${encodeURIComponent(JSON.stringify({ json: { conversationId: crypto.randomUUID() } }))}`;
    expect((await trpcGet(new Request(subscription, { headers: sameSite }))).status).toBe(403);
    expect((await trpcPost(new Request(`http://${HOST}/api/trpc/chat.stop`, { method: "POST", headers: sameSite, body: "{}" }))).status).toBe(403);
    expect((await modelsGet(new Request(`http://${HOST}/v1/models`, { headers: sameSite }))).status).toBe(403);
    expect(proxy(new NextRequest(subscription, { headers: sameSite })).status).toBe(403);
    expect(proxy(new NextRequest(`http://${HOST}/v1/models`, { headers: sameSite })).status).toBe(403);
    expect(proxy(new NextRequest(`http://${HOST}/chat`, { headers: sameSite })).status).toBe(200);
  });

  it("forbids framing on every answer the proxy gives, pages, API and refusals alike", () => {
    for (const [path, headers] of [["/chat", { host: HOST }], ["/api/health", { host: HOST }], ["/v1/models", { host: "evil.example" }]] as const) {
      const response = proxy(new NextRequest(`http://${HOST}${path}`, { headers }));
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("content-security-policy"), path).toBe("frame-ancestors 'none'");
    }
  });
});
