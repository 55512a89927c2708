import { mkdir, readdir, stat } from "node:fs/promises";
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
  const hub = await startHubFixture({ repos: [{ id: "drill/served", revisions: [{ dir: served }] }], writeTokens: [PUSH_TOKEN], user: { name: "drill" } });
  const pushed = await source("pushed", [], 3);
  const files = await localFiles(pushed);
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
    // Each trial pushes to a repo of its own: the Hub has no delete to start over with.
    {
      name: "push",
      args: (trial) => ["push", pushed, `drill/pushed-${trial}`, "--create"],
      output: pushed,
      reset: join(root, "nothing-to-reset"),
      untouched: [pushed, hubCache],
      remote: (trial) => remoteState(hub.url, `drill/pushed-${trial}`, files),
    },
  ];
  return { cases, hub, env: { HF_ENDPOINT: hub.url, HF_HOME: hfHome, HF_HUB_CACHE: hubCache, WHET_HOME: join(root, "home"), WHET_WORKSPACES: workspaces, HF_TOKEN: PUSH_TOKEN } };
}

const PUSH_TOKEN = "hf_drill_write_token_0123456789";

/** Each file of a folder and its size. */
async function localFiles(dir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const name of await readdir(dir, { recursive: true })) {
    const info = await stat(join(dir, name));
    if (info.isFile()) sizes.set(name, info.size);
  }
  return sizes;
}

/**
 * What a push left on the Hub: nothing (no repo, or only the Hub's own
 * `.gitattributes`), every file with its size, or something in between,
 * which an atomic commit must never show.
 */
async function remoteState(hubUrl: string, repo: string, expected: Map<string, number>): Promise<"absent" | "complete" | string> {
  const response = await fetch(`${hubUrl}/api/models/${repo}/tree/main?recursive=true`, { headers: { authorization: `Bearer ${PUSH_TOKEN}` } });
  if (response.status === 404) return "absent";
  if (!response.ok) return `the Hub answered HTTP ${response.status} for ${repo}`;
  const entries = (await response.json()) as { type: string; path: string; size: number; lfs?: { size: number } }[];
  const remote = new Map(entries.filter((e) => e.type === "file" && e.path !== ".gitattributes").map((e) => [e.path, e.lfs?.size ?? e.size]));
  if (remote.size === 0) return "absent";
  const same = remote.size === expected.size && [...expected].every(([path, size]) => remote.get(path) === size);
  return same ? "complete" : `${repo} holds ${remote.size} of ${expected.size} files: a push was half applied`;
}
