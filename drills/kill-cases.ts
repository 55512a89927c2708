import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { DefectId } from "../lib/factory/defects";
import type { LlamaShape } from "../lib/factory/llama";
import { makeModel } from "../lib/factory/make-model";
import { startHubFixture, type HubFixture } from "../lib/hub-fixture/start-hub-fixture";
import type { KillCase } from "./kill-drill";

/** Big enough (about 70 MB) that most kills land while files are being written, small enough for hundreds of trials. */
export const DRILL_SHAPE = { hiddenSize: 512, intermediateSize: 1536, layers: 8, vocabSize: 8192 };

export interface KillSetup {
  cases: KillCase[];
  env: Record<string, string>;
  hub: HubFixture;
}

/**
 * Every operation the kill drill covers, on factory models under `root`:
 * each repair mode on a model with the defect it fixes, quantize, and clone
 * and pull from a Hub fixture.
 */
export async function killCases(root: string, shape: Partial<LlamaShape> = DRILL_SHAPE): Promise<KillSetup> {
  const hfHome = join(root, "hf");
  const hubCache = join(hfHome, "hub");
  const workspaces = join(root, "workspaces");
  await mkdir(hubCache, { recursive: true });
  const source = async (name: string, defects: DefectId[], shards = 3, ownShape: Partial<LlamaShape> | null = shape) => {
    const dir = join(root, "src", name);
    await makeModel({ dir, shards, defects, seed: 7, ...(ownShape ? { shape: ownShape } : {}) });
    return dir;
  };
  const convert = async (name: string, defects: DefectId[], flags: string[], shards = 3, ownShape: Partial<LlamaShape> | null = shape): Promise<KillCase> => {
    const src = await source(name, defects, shards, ownShape);
    const output = join(workspaces, `${name}-out`);
    return { name, args: ["convert", src, output, ...flags], output, reset: output, untouched: [src, hubCache] };
  };
  const served = await source("served", [], 3);
  const hub = await startHubFixture({ repos: [{ id: "drill/served", revisions: [{ dir: served }] }] });
  const cloneOutput = join(workspaces, "cloned");
  const pulled = join(hubCache, "models--drill--served");
  const cases: KillCase[] = [
    await convert("repair-index", ["index-missing-shards"], ["--repair-index"]),
    await convert("repair-weights", ["weights-npz"], ["--repair-weights"], 1),
    await convert("repair-config", ["eos-token-id-null"], ["--repair-config"]),
    // The Whisper defect writes its own small config, which only the factory's default shape matches.
    await convert("add-preprocessor-config", ["whisper-no-preprocessor"], ["--add-preprocessor-config"], 1, null),
    await convert("repair-all", ["index-missing-shards", "eos-token-id-null"], ["--repair-all"]),
    await convert("quantize", [], ["--quantize", "4"]),
    { name: "clone", args: ["clone", "drill/served", cloneOutput], output: cloneOutput, reset: cloneOutput, untouched: [served, hubCache] },
    // A pull's output is the snapshot; the cache around it is what it writes, so only the served source is untouched.
    { name: "pull", args: ["pull", "drill/served"], output: join(pulled, "snapshots"), reset: pulled, untouched: [served] },
  ];
  return { cases, hub, env: { HF_ENDPOINT: hub.url, HF_HOME: hfHome, HF_HUB_CACHE: hubCache, WHET_HOME: join(root, "home"), WHET_WORKSPACES: workspaces, HF_TOKEN: "" } };
}
