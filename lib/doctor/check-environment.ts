import { access, constants, statfs, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { platform } from "node:os";
import { execa } from "execa";
import type { WhetConfig } from "../config";

export interface EnvironmentCheck {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
  /** The command that fixes it, when it is not ok. */
  fix: string | null;
}

const SETUP = "npm run setup";

async function pythonPackages(python: string): Promise<Record<string, string | null> | null> {
  const code = [
    "import json, importlib.metadata as m",
    "out = {}",
    "for name in ['mlx', 'mlx-lm', 'huggingface_hub']:",
    "    try: out[name] = m.version(name)",
    "    except Exception: out[name] = None",
    "try:",
    "    import mlx.core as mx; mx.array([1]) ; out['mlx_import'] = str(mx.default_device())",
    "except Exception as e: out['mlx_import'] = None",
    "print(json.dumps(out))",
  ].join("\n");
  const result = await execa(python, ["-c", code], { reject: false, timeout: 60_000 });
  if (result.exitCode !== 0) return null;
  return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as Record<string, string | null>;
}

async function nearestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    if (await stat(p).then(() => true, () => false)) return p;
    if (dirname(p) === p) return p;
  }
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** What `whet doctor` and the Doctor page (/doctor) show: each dependency, where things live, and the fix. */
export async function checkEnvironment(config: WhetConfig, chromiumPath = "/usr/bin/chromium"): Promise<EnvironmentCheck[]> {
  const checks: EnvironmentCheck[] = [];
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const nodeOk = major > 20 || (major === 20 && minor >= 9);
  checks.push({ id: "node", label: "Node.js", ok: nodeOk, detail: process.versions.node, fix: nodeOk ? null : "Install Node.js 20.9 or newer" });

  const venv = await access(config.python, constants.X_OK).then(() => true, () => false);
  checks.push({ id: "python", label: "Project Python venv", ok: venv, detail: config.python, fix: venv ? null : SETUP });
  const packages = venv ? await pythonPackages(config.python) : null;
  for (const [id, label] of [["mlx", "mlx"], ["mlx-lm", "mlx-lm"], ["huggingface_hub", "huggingface_hub"]] as const) {
    const version = packages?.[id] ?? null;
    checks.push({ id, label, ok: version !== null, detail: version ?? "not installed", fix: version ? null : SETUP });
  }
  if (packages?.mlx) {
    const device = packages.mlx_import ?? null;
    checks.push({ id: "mlx-runtime", label: "mlx runs", ok: device !== null, detail: device ?? "import failed", fix: device ? null : SETUP });
  }
  if (platform() === "linux") {
    const chromium = await access(chromiumPath, constants.X_OK).then(() => true, () => false);
    checks.push({
      id: "chromium",
      label: "Chromium (end-to-end tests)",
      ok: chromium,
      detail: chromium ? chromiumPath : "missing",
      fix: chromium ? null : "sudo apt-get install -y chromium",
    });
  }
  const cacheBase = await nearestExisting(config.hubCache);
  const cacheWritable = await access(cacheBase, constants.W_OK).then(() => true, () => false);
  checks.push({
    id: "hf-cache",
    label: "HF cache",
    ok: cacheWritable,
    detail: config.hubCache,
    fix: cacheWritable ? null : `Make ${cacheBase} writable or set HF_HUB_CACHE`,
  });
  const wsBase = await nearestExisting(config.workspaceRoot);
  const { bavail, bsize } = await statfs(wsBase);
  const free = bavail * bsize;
  const enough = free > 2 * 1024 ** 3;
  checks.push({
    id: "disk",
    label: "Free disk (workspaces)",
    ok: enough,
    detail: `${gib(free)} free at ${wsBase}`,
    fix: enough ? null : "Free some disk space or set WHET_WORKSPACES to a larger volume",
  });
  checks.push({ id: "workspaces", label: "Workspace root", ok: true, detail: config.workspaceRoot, fix: null });
  checks.push(await checkHub(config));
  return checks;
}

const ENDPOINT_FROM: Record<WhetConfig["endpointFrom"], string> = {
  HF_ENDPOINT: "from HF_ENDPOINT",
  "demo-hub": "the demo hub of the app started with --demo",
  default: "the default",
};

/** The Hub asked for real: one small listing, answered within `timeoutMs`. */
export async function checkHub(config: Pick<WhetConfig, "endpoint" | "endpointFrom">, timeoutMs = 5_000): Promise<EnvironmentCheck> {
  const started = performance.now();
  const where = `${config.endpoint} (${ENDPOINT_FROM[config.endpointFrom]})`;
  try {
    const response = await fetch(`${config.endpoint}/api/models?limit=1`, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    const ms = Math.round(performance.now() - started);
    if (response.ok) return { id: "hub", label: "Hub", ok: true, detail: `${where} answered in ${ms} ms`, fix: null };
    return { id: "hub", label: "Hub", ok: false, detail: `${where} answered HTTP ${response.status}`, fix: "Check HF_ENDPOINT, or start the app with --demo to use the built-in demo hub" };
  } catch (error) {
    const why = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${Math.round(timeoutMs / 1000)} s` : "cannot be reached";
    const fix =
      config.endpointFrom === "demo-hub"
        ? "The app's demo hub stopped: start the app again with `npm start -- --demo`, or set HF_ENDPOINT"
        : "Check the network or HF_ENDPOINT; without internet, start the app with --demo (the built-in demo hub)";
    return { id: "hub", label: "Hub", ok: false, detail: `${where}: ${why}`, fix };
  }
}
