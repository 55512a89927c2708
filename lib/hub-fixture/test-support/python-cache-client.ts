import { join } from "node:path";
import { execa } from "execa";
import { loadConfig } from "../../config";

export interface PythonCacheReport {
  warnings: string[];
  repos: { repo_id: string; nb_files: number; revisions: { commit_hash: string; refs: string[]; files: string[] }[] }[];
}

/**
 * Python huggingface_hub reading a cache offline (HF_HUB_OFFLINE=1): what
 * scan_cache_dir reports and where snapshot_download / hf_hub_download find
 * files, the way mlx-lm and every HF tool will read a cache Whetstone wrote.
 */
export function pythonCacheClient(hubCache: string) {
  const { python, projectRoot } = loadConfig();
  const run = async (args: string[]): Promise<Record<string, unknown>> => {
    const result = await execa(python, [join(projectRoot, "python", "interop", "hub_client.py"), ...args], {
      extendEnv: false,
      reject: false,
      env: {
        PATH: process.env.PATH,
        HOME: hubCache,
        HF_HUB_CACHE: hubCache,
        HF_HUB_OFFLINE: "1",
        HF_HUB_DISABLE_TELEMETRY: "1",
        HF_HUB_DISABLE_PROGRESS_BARS: "1",
      },
    });
    const last = result.stdout.trim().split("\n").at(-1) ?? "";
    if (!last.startsWith("{")) throw new Error(`hub_client.py ${args.join(" ")} exited ${result.exitCode}:\n${result.stderr}`);
    return JSON.parse(last) as Record<string, unknown>;
  };
  return {
    scan: async () => (await run(["scan-cache"])) as unknown as PythonCacheReport,
    snapshotDownload: async (repo: string, revision?: string) => run(["snapshot-download", "--repo", repo, ...(revision ? ["--revision", revision] : [])]),
    hfHubDownload: async (repo: string, filename: string, revision?: string) =>
      run(["hf-hub-download", "--repo", repo, "--filename", filename, ...(revision ? ["--revision", revision] : [])]),
  };
}
