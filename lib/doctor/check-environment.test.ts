import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { checkEnvironment } from "./check-environment";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("doctor", () => {
  it("asks the Hub for real: reachable when it answers, not when nothing listens", async () => {
    const hub = await startHubFixture();
    try {
      const up = (await checkEnvironment({ ...loadConfig(), endpoint: hub.url })).find((c) => c.id === "hub");
      expect(up).toMatchObject({ ok: true, detail: expect.stringMatching(/answered in \d+ ms/) });
    } finally {
      await hub.close();
    }
    const down = (await checkEnvironment({ ...loadConfig(), endpoint: `http://127.0.0.1:${await closedPort()}` })).find((c) => c.id === "hub");
    expect(down).toMatchObject({ ok: false, detail: expect.stringContaining("cannot be reached"), fix: expect.stringContaining("--demo") });
  });
});
