import { cloneRepo } from "../../lib/hub/clone-repo";
import { hubAccessFrom } from "../../lib/hub/hub-access";
import { parseRepoSpec } from "../../lib/hub/repo-spec";
import { UsageError, type Command } from "../command";
import { workspacePath } from "../paths";
import { formatBytes } from "../../lib/format/format-bytes";

export const cloneCommand: Command = {
  name: "clone",
  summary: "Download a Hub repository into a new workspace (not the HF cache)",
  usage: "whet clone ORG/NAME[@REV] [TARGET] [--skip-health] [--json]",
  options: { branch: { type: "string" }, "skip-health": { type: "boolean" } },
  async run(positionals, values, { config, progress }) {
    const [specArg, targetArg] = positionals;
    if (!specArg) throw new UsageError("clone needs ORG/NAME");
    const spec = typeof values.branch === "string" && !specArg.includes("@") ? `${specArg}@${values.branch}` : specArg;
    const { repoId } = parseRepoSpec(spec);
    const target = workspacePath(targetArg ?? (repoId.split("/")[1] as string), config.workspaceRoot);
    let lastShown = 0;
    const result = await cloneRepo({
      ...hubAccessFrom(config),
      spec,
      target,
      roots: { hubCache: config.hubCache, hfHome: config.hfHome },
      skipHealth: values["skip-health"] === true,
      onProgress: (p) => {
        const now = Date.now();
        if (p.phase === "downloading" && now - lastShown < 250 && p.filesDone < p.filesTotal) return;
        lastShown = now;
        progress(
          p.phase === "downloading"
            ? `downloading ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`
            : p.phase,
        );
      },
    });
    const health = result.health;
    const data = {
      model: result.repoId,
      clone_status: "success",
      message: `Cloned to ${targetArg ?? result.target}`,
      target_dir: result.target,
      health_check: health !== null,
      ...(health ? { health: health.healthy ? "healthy" : "unhealthy", health_reason: health.reason, findings: health.findings } : {}),
      revision: result.revision,
      commit: result.commit,
      files: result.files,
      size_bytes: result.bytes,
      content_hash: result.contentHash,
    };
    const state = health ? (health.healthy ? "✓ healthy" : `⚠ unhealthy: ${health.reason}`) : "health not checked";
    return {
      ok: true,
      data,
      human: `clone: ${result.repoId}@${result.commit.slice(0, 7)} → ${result.target} (${state})`,
    };
  },
};
