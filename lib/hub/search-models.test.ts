import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { useTempDirs } from "../testing/temp-dir";
import { searchModelsPage } from "./search-models";

const tempDir = useTempDirs();

describe("searchModelsPage", () => {
  it("filters by library and task, sorts, and pages with the Hub's cursor", async () => {
    const dir = await tempDir();
    await makeModel({ dir, seed: 3 });
    const repo = (id: string, downloads: number, likes: number, extra: object = {}) => ({ id, revisions: [{ dir }], downloads, likes, ...extra });
    const hub = await startHubFixture({
      repos: [
        repo("acme/a-mlx", 300, 1, { tags: ["mlx"], libraryName: "mlx", pipelineTag: "text-generation" }),
        repo("acme/b-mlx", 200, 9, { tags: ["mlx"], libraryName: "mlx", pipelineTag: "text-generation" }),
        repo("acme/c-mlx-asr", 100, 5, { tags: ["mlx"], libraryName: "mlx", pipelineTag: "automatic-speech-recognition" }),
        repo("acme/d-torch", 400, 2, { libraryName: "transformers", pipelineTag: "text-generation" }),
      ],
      pageSize: 2,
    });
    onTestFinished(() => hub.close());
    const access = { hubUrl: hub.url };

    const first = await searchModelsPage({ ...access, tags: ["mlx"], limit: 2 });
    expect(first.models.map((m) => m.id)).toEqual(["acme/a-mlx", "acme/b-mlx"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await searchModelsPage({ ...access, tags: ["mlx"], limit: 2, cursor: first.nextCursor ?? "" });
    expect(second).toEqual({ models: [expect.objectContaining({ id: "acme/c-mlx-asr", downloads: 100, pipelineTag: "automatic-speech-recognition" })], nextCursor: null });

    const byLikes = await searchModelsPage({ ...access, tags: ["mlx"], task: "text-generation", sort: "likes" });
    expect(byLikes.models.map((m) => m.id)).toEqual(["acme/b-mlx", "acme/a-mlx"]);
    await expect(searchModelsPage({ ...access, cursor: "<script>" })).rejects.toMatchObject({ code: "invalid_cursor" });
  });

  it("takes nothing on trust: absurd counts become unknown, a wrong shape is an error in words", async () => {
    let answer: unknown = [{ id: "x/y", downloads: -5, likes: 1e300, tags: "mlx" }];
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    onTestFinished(() => new Promise<void>((done) => server.close(() => done())));
    const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { models } = await searchModelsPage({ hubUrl });
    expect(models).toEqual([expect.objectContaining({ id: "x/y", downloads: null, likes: null, tags: [] })]);
    answer = { error: "not a list" };
    await expect(searchModelsPage({ hubUrl })).rejects.toMatchObject({ code: "hub_unexpected_answer", hint: expect.stringMatching(/HF_ENDPOINT/) });
  });
});
