import { homedir, platform } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { WhetError } from "./errors";

/**
 * Everything Whetstone reads from the environment, validated once. Nothing else
 * in the code base looks at `process.env`; tests pass their own `env`.
 */
export interface WhetConfig {
  /** The hub cache (`.../huggingface/hub`), resolved exactly as huggingface_hub does. */
  hubCache: string;
  /** The HF home (`HF_HOME`); convert refuses to read from or write into it or the hub cache. */
  hfHome: string;
  /** Hub endpoint without trailing slash. */
  endpoint: string;
  token: string | null;
  /** Where workspaces named without a path live. */
  workspaceRoot: string;
  /** App state: jobs, demo hub, settings. */
  dataDir: string;
  /** The project's Python (mlx, mlx-lm, huggingface_hub). */
  python: string;
  projectRoot: string;
}

const envSchema = z.object({
  HF_HUB_CACHE: z.string().optional(),
  HUGGINGFACE_HUB_CACHE: z.string().optional(),
  HF_HOME: z.string().optional(),
  XDG_CACHE_HOME: z.string().optional(),
  XDG_DATA_HOME: z.string().optional(),
  HF_ENDPOINT: z.url({ message: "HF_ENDPOINT must be an http(s) URL such as https://huggingface.co" }).optional(),
  HF_TOKEN: z.string().optional(),
  WHET_WORKSPACES: z.string().optional(),
  WHET_HOME: z.string().optional(),
  WHET_PYTHON: z.string().optional(),
  WHET_PROJECT_ROOT: z.string().optional(),
  HOME: z.string().optional(),
});

type Env = Record<string, string | undefined>;

/** `~` and `$VAR` expansion, as Python's expanduser + expandvars apply to HF paths. */
function expandPath(value: string, env: Env, home: string): string {
  const withVars = value.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b) as string;
    return env[name] ?? whole;
  });
  return resolve(withVars.startsWith("~") ? join(home, withVars.slice(1)) : withVars);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function loadConfig(env: Env = process.env): WhetConfig {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => nonEmpty(v) !== undefined)),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WhetError(
      "invalid_environment",
      `${issue?.path.join(".") ?? "environment"}: ${issue?.message ?? "invalid value"}`,
      "Fix or unset that environment variable and start again.",
    );
  }
  const e = parsed.data;
  const home = e.HOME ?? homedir();
  const expand = (value: string) => expandPath(value, env, home);

  const hfHome = e.HF_HOME
    ? expand(e.HF_HOME)
    : join(e.XDG_CACHE_HOME ? expand(e.XDG_CACHE_HOME) : join(home, ".cache"), "huggingface");
  const hubCache = e.HF_HUB_CACHE
    ? expand(e.HF_HUB_CACHE)
    : e.HUGGINGFACE_HUB_CACHE
      ? expand(e.HUGGINGFACE_HUB_CACHE)
      : join(hfHome, "hub");

  const defaultData =
    platform() === "darwin"
      ? join(home, "Library", "Application Support", "Whetstone")
      : join(e.XDG_DATA_HOME ? expand(e.XDG_DATA_HOME) : join(home, ".local", "share"), "whetstone");
  const dataDir = e.WHET_HOME ? expand(e.WHET_HOME) : defaultData;
  const projectRoot = e.WHET_PROJECT_ROOT ? resolve(e.WHET_PROJECT_ROOT) : process.cwd();

  return {
    hubCache,
    hfHome,
    endpoint: (e.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, ""),
    token: e.HF_TOKEN ?? null,
    workspaceRoot: e.WHET_WORKSPACES ? expand(e.WHET_WORKSPACES) : join(dataDir, "workspaces"),
    dataDir,
    python: e.WHET_PYTHON ? expand(e.WHET_PYTHON) : join(projectRoot, ".venv", "bin", "python"),
    projectRoot,
  };
}

let cached: WhetConfig | undefined;

/** The process-wide configuration, read from `process.env` on first use. */
export function getConfig(): WhetConfig {
  cached ??= loadConfig();
  return cached;
}
