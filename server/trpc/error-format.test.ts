import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { LOCAL_PRINCIPAL } from "../auth/principal";
import { appRouter } from "../routers/_app";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

describe("errors over HTTP", () => {
  it("answers invalid input with sentences and the field, never zod's issue list", async () => {
    const { services, config } = await testServices();
    const body = JSON.stringify({ json: { kind: "repair", source: "x", name: "../escape", mode: "repair-index" } });
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://127.0.0.1/api/trpc/operations.start", { method: "POST", body, headers: { "content-type": "application/json" } }),
      router: appRouter,
      createContext: () => ({ config, services, principal: LOCAL_PRINCIPAL, address: "local" }),
    });
    const answer = (await response.json()) as { error: { json: { message: string; data: { whet: { code: string; field: string } } } } };
    expect(response.status).toBe(400);
    expect(answer.error.json.message).toBe("Use letters, digits, '.', '_' and '-' for the workspace name (no slashes)");
    expect(answer.error.json.data.whet).toMatchObject({ code: "invalid_input", field: "name" });
  });
});
