import { rm, rename } from "node:fs/promises";
import { join } from "node:path";
import { makeModel, type MakeModelOptions } from "../factory/make-model";
import { preparedModels } from "../smollm2/prepare-smollm2";
import type { RepoSpec } from "./repo-spec";
import { pathExists } from "../fs/path-exists";

export const DEMO_NAMESPACE = "whetstone-demo";

/**
 * The local hubs' user and its token, which may write (push) into the user's
 * own namespace. Not a secret: it only ever opens the demo hub and
 * `npm run hub-fixture`, both on loopback, and is printed when they start.
 */
export const DEMO_USER = "demo-user";
export const DEMO_WRITE_TOKEN = "hf_whetstone_demo_write_token";

interface DemoRepo {
  name: string;
  model: Omit<MakeModelOptions, "dir">;
  downloads: number;
  likes: number;
  date: string;
}

/** One healthy model of each layout, and one model per defect the health checks are shown off with. */
const DEMO_REPOS: readonly DemoRepo[] = [
  { name: "tiny-llama-bf16", model: { dtype: "bfloat16", shards: 2, seed: 11 }, downloads: 48213, likes: 312, date: "2025-03-02T09:00:00Z" },
  { name: "tiny-llama-f16", model: { dtype: "float16", shards: 1, seed: 12 }, downloads: 20577, likes: 141, date: "2025-02-14T16:30:00Z" },
  {
    name: "tiny-llama-broken-index",
    model: { shards: 3, seed: 13, defects: ["index-missing-shards"] },
    downloads: 9341,
    likes: 57,
    date: "2025-01-20T11:15:00Z",
  },
  {
    name: "tiny-llama-no-index",
    model: { shards: 2, seed: 14, defects: ["shards-without-index"] },
    downloads: 4120,
    likes: 23,
    date: "2025-01-28T08:45:00Z",
  },
  {
    name: "tiny-llama-stale-index",
    model: { shards: 2, seed: 15, defects: ["index-stale-layout"] },
    downloads: 2764,
    likes: 12,
    date: "2024-12-05T13:00:00Z",
  },
  { name: "tiny-llama-npz", model: { seed: 16, defects: ["weights-npz"] }, downloads: 1302, likes: 8, date: "2024-11-11T10:20:00Z" },
  {
    name: "tiny-llama-eos-null",
    model: { seed: 17, defects: ["eos-token-id-null"] },
    downloads: 688,
    likes: 4,
    date: "2025-02-27T18:05:00Z",
  },
  // A defect no repair fixes: the wizard ends on what the user can do instead.
  { name: "tiny-llama-truncated", model: { seed: 18, defects: ["truncated-shard"] }, downloads: 97, likes: 1, date: "2025-01-09T12:00:00Z" },
];

/**
 * Writes the demo models under `dir/whetstone-demo/` (fixed seeds, so the
 * same bytes and commit hashes everywhere) and returns their repo specs.
 * A folder that already holds a model is kept: each is generated beside its
 * place and renamed in, so an interrupted run never leaves a half model that
 * a later run would mistake for a finished one.
 */
export async function buildDemoRepos(dir: string): Promise<RepoSpec[]> {
  const specs: RepoSpec[] = [];
  for (const demo of DEMO_REPOS) {
    const target = join(dir, DEMO_NAMESPACE, demo.name);
    if (!(await pathExists(join(target, "config.json")))) {
      const staging = `${target}.partial-${process.pid}`;
      await rm(staging, { recursive: true, force: true });
      await makeModel({ ...demo.model, dir: staging });
      // Another process may have finished the same (byte-identical) model meanwhile; keep its copy.
      if (await pathExists(join(target, "config.json"))) {
        await rm(staging, { recursive: true, force: true });
      } else {
        await rm(target, { recursive: true, force: true });
        await rename(staging, target);
      }
    }
    specs.push({
      id: `${DEMO_NAMESPACE}/${demo.name}`,
      revisions: [{ dir: target, date: demo.date }],
      downloads: demo.downloads,
      likes: demo.likes,
      tags: ["mlx", "safetensors", "llama", "text-generation"],
      libraryName: "mlx",
      pipelineTag: "text-generation",
    });
  }
  return specs;
}

/**
 * Real models set-up has prepared under `modelsDir` (today SmolLM2-135M-Instruct,
 * see lib/smollm2/prepare-smollm2.ts), offered beside the factory models so the
 * demo has one that answers in sentences. None when set-up could not fetch them.
 */
export async function realDemoRepos(modelsDir: string): Promise<RepoSpec[]> {
  const specs: RepoSpec[] = [];
  for (const name of await preparedModels(modelsDir)) {
    specs.push({
      id: `${DEMO_NAMESPACE}/${name}`,
      revisions: [{ dir: join(modelsDir, name), date: "2025-02-07T07:02:00Z" }],
      downloads: 120_000,
      likes: 890,
      tags: ["mlx", "safetensors", "llama", "text-generation", "conversational"],
      libraryName: "mlx",
      pipelineTag: "text-generation",
    });
  }
  return specs;
}
