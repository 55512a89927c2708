import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hostileModelSpecs } from "../../lib/factory/hostile-specs";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

/** A workspace root with one model, and a model folder outside every root that `x/../..` from the current directory reaches. */
async function setUp() {
  const { call, config, root } = await testServices();
  await makeModel({ dir: join(config.workspaceRoot, "tiny"), seed: 71 });
  const outside = join(root, "outside");
  await mkdir(outside);
  await writeFile(join(outside, "config.json"), '{"model_type": "llama"}');
  return { call, hostile: hostileModelSpecs(outside) };
}

describe("paths from the browser are not models (issue #10 finding 6)", () => {
  it("models.get refuses /etc, ../.., ~/, absolute paths and x/../../ tricks in words, at once", async () => {
    const { call, hostile } = await setUp();
    for (const spec of hostile) {
      const started = Date.now();
      await expect(call.models.get({ spec }), spec).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/is not a model name: paths are not accepted here/) });
      expect(Date.now() - started, spec).toBeLessThan(1_000);
    }
    expect((await call.models.get({ spec: "tiny" })).name).toBe("tiny");
  });

  it("the chat router takes model names only, x/../../ tricks included", async () => {
    const { call, hostile } = await setUp();
    for (const model of hostile) {
      await expect(call.chat.create({ model }), model).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(call.chat.warm({ model }), model).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(call.chat.conversations({ model }), model).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await call.chat.create({ model: "tiny" })).toMatchObject({ model: "tiny" });
  });
});
