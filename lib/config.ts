import { homedir, platform } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { allowedHosts, isLoopback } from "./auth/allowed-hosts";
import { readDemoHubFile } from "./demo-hub-file";
import { WhetError } from "./errors";

/**
 * Who may reach the app. Local mode (the default): loopback only, the person
 * at the machine is an implicit admin. Team mode (`npm start -- --lan`,
 * `whet serve --lan`): every request needs an account.
 */
export interface AccessConfig {
  mode: "local" | "team";
  /** The address the app binds (`npm start`); `whet serve` takes its own flags. */
  host: string;
  port: number;
  /** The name teammates' browsers use, such as whetstone.local. */
  name: string | null;
  /** Certificate and key files; `selfSigned` ones are generated at start when missing. */
  tls: { cert: string; key: string; selfSigned: boolean } | null;
  /** `Host` values accepted besides loopback names: the name and the bound addresses. */
  allowedHosts: string[];
  sessionIdleMinutes: number;
  quotas: { concurrentJobs: number; chatPerMinute: number };
}

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
  /** Where the endpoint came from: HF_ENDPOINT, the running app's demo hub (`npm start -- --demo`), or the default. */
  endpointFrom: "HF_ENDPOINT" | "demo-hub" | "default";
  /** The endpoint is the built-in demo hub (`npm start -- --demo` sets WHET_DEMO_HUB=1), not huggingface.co. */
  demoHub?: boolean;
  token: string | null;
  /** Where workspaces named without a path live. */
  workspaceRoot: string;
  /** App state: jobs, demo hub, settings. */
  dataDir: string;
  /** The project's Python (mlx, mlx-lm, huggingface_hub). */
  python: string;
  projectRoot: string;
  access: AccessConfig;
  /** Which remote Whetstone the CLI talks to, from the environment (`--remote` overrides `WHET_REMOTE`). */
  remote: RemoteEnv;
}

/** `WHET_REMOTE` names a saved remote; `WHET_URL` with `WHET_TOKEN` (and `WHET_FINGERPRINT` for a self-signed certificate) is one given in full. */
export interface RemoteEnv {
  name: string | null;
  url: string | null;
  token: string | null;
  fingerprint: string | null;
  /** WHET_INSECURE=1: the token may go over plain http:// to another machine. */
  insecure: boolean;
}

const envSchema = z.object({
  HF_HUB_CACHE: z.string().optional(),
  HUGGINGFACE_HUB_CACHE: z.string().optional(),
  HF_HOME: z.string().optional(),
  XDG_CACHE_HOME: z.string().optional(),
  XDG_DATA_HOME: z.string().optional(),
  HF_ENDPOINT: z.url({ message: "HF_ENDPOINT must be an http(s) URL such as https://huggingface.co" }).optional(),
  HF_TOKEN: z.string().optional(),
  WHET_DEMO_HUB: z.enum(["0", "1"], { message: "WHET_DEMO_HUB must be 1 (the endpoint is the demo hub) or 0" }).optional(),
  WHET_WORKSPACES: z.string().optional(),
  WHET_HOME: z.string().optional(),
  WHET_PYTHON: z.string().optional(),
  WHET_PROJECT_ROOT: z.string().optional(),
  HOME: z.string().optional(),
  WHET_MODE: z.enum(["local", "team"], { message: "WHET_MODE must be local or team" }).optional(),
  WHET_HOST: z.string().max(255).optional(),
  WHET_PORT: z.coerce.number({ message: "WHET_PORT must be a port number" }).int().min(1, "WHET_PORT must be a port number from 1 to 65535").max(65535, "WHET_PORT must be a port number from 1 to 65535").optional(),
  WHET_LAN_NAME: z
    .string()
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.?)*[A-Za-z0-9]$/, "WHET_LAN_NAME must be a host name such as whetstone.local")
    .max(253)
    .optional(),
  WHET_TLS: z.enum(["0", "1"], { message: "WHET_TLS must be 1 (HTTPS) or 0" }).optional(),
  WHET_TLS_CERT: z.string().optional(),
  WHET_TLS_KEY: z.string().optional(),
  WHET_SESSION_IDLE_MINUTES: z.coerce.number({ message: "WHET_SESSION_IDLE_MINUTES must be a number of minutes" }).int().min(5, "WHET_SESSION_IDLE_MINUTES must be at least 5").max(43_200, "WHET_SESSION_IDLE_MINUTES must be at most 43200 (30 days)").optional(),
  WHET_QUOTA_JOBS: z.coerce.number({ message: "WHET_QUOTA_JOBS must be a whole number" }).int().min(1, "WHET_QUOTA_JOBS must be at least 1").max(1000).optional(),
  WHET_REMOTE: z.string().max(64).optional(),
  WHET_URL: z.url({ message: "WHET_URL must be an http(s) URL such as https://whetstone.local:3100", protocol: /^https?$/ }).optional(),
  WHET_TOKEN: z.string().max(512).optional(),
  WHET_FINGERPRINT: z.string().max(200).optional(),
  WHET_INSECURE: z.enum(["0", "1"]).optional(),
  WHET_QUOTA_CHAT_PER_MINUTE: z.coerce.number({ message: "WHET_QUOTA_CHAT_PER_MINUTE must be a whole number" }).int().min(1, "WHET_QUOTA_CHAT_PER_MINUTE must be at least 1").max(100_000).optional(),
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

  const mode = e.WHET_MODE ?? "local";
  const host = e.WHET_HOST ?? (mode === "team" ? "0.0.0.0" : "127.0.0.1");
  if (mode === "local" && !isLoopback(host)) {
    throw new WhetError(
      "invalid_environment",
      `WHET_HOST: ${host} is not a loopback address, and local mode has no sign-in: anyone who can reach it would control this machine's models`,
      "Start in team mode (`npm start -- --lan --host ADDR`), which requires accounts, or leave WHET_HOST unset.",
    );
  }
  if (Boolean(e.WHET_TLS_CERT) !== Boolean(e.WHET_TLS_KEY)) {
    throw new WhetError("invalid_environment", "WHET_TLS_CERT and WHET_TLS_KEY go together: one is set without the other", "Give both the certificate and its key (--cert F --key F), or neither for a self-signed certificate.");
  }
  const tls =
    e.WHET_TLS_CERT && e.WHET_TLS_KEY
      ? { cert: expand(e.WHET_TLS_CERT), key: expand(e.WHET_TLS_KEY), selfSigned: false }
      : e.WHET_TLS === "1"
        ? { cert: join(dataDir, "tls", "cert.pem"), key: join(dataDir, "tls", "key.pem"), selfSigned: true }
        : null;
  // With no HF_ENDPOINT, the demo hub of an app started with --demo (its port changes at each start).
  const demoHub = e.HF_ENDPOINT ? null : readDemoHubFile(dataDir);
  const port = e.WHET_PORT ?? 3100;
  const name = e.WHET_LAN_NAME?.toLowerCase() ?? null;

  return {
    hubCache,
    hfHome,
    endpoint: (e.HF_ENDPOINT ?? demoHub?.url ?? "https://huggingface.co").replace(/\/+$/, ""),
    endpointFrom: e.HF_ENDPOINT ? "HF_ENDPOINT" : demoHub ? "demo-hub" : "default",
    // The demo hub's own token (not a secret) lets pushes into its demo-user namespace work, as in the app.
    // Only the demo hub's token goes to the demo hub: a real HF_TOKEN never follows a file's URL.
    token: demoHub ? demoHub.token : (e.HF_TOKEN ?? null),
    demoHub: e.WHET_DEMO_HUB === "1" || demoHub !== null,
    workspaceRoot: e.WHET_WORKSPACES ? expand(e.WHET_WORKSPACES) : join(dataDir, "workspaces"),
    dataDir,
    python: e.WHET_PYTHON ? expand(e.WHET_PYTHON) : join(projectRoot, ".venv", "bin", "python"),
    projectRoot,
    access: {
      mode,
      host,
      port,
      name,
      tls,
      allowedHosts: mode === "team" ? allowedHosts({ host, port, name, tls: tls !== null }) : [],
      sessionIdleMinutes: e.WHET_SESSION_IDLE_MINUTES ?? 480,
      quotas: { concurrentJobs: e.WHET_QUOTA_JOBS ?? 4, chatPerMinute: e.WHET_QUOTA_CHAT_PER_MINUTE ?? 30 },
    },
    remote: { name: e.WHET_REMOTE ?? null, url: e.WHET_URL ?? null, token: e.WHET_TOKEN ?? null, fingerprint: e.WHET_FINGERPRINT ?? null, insecure: e.WHET_INSECURE === "1" },
  };
}

let cached: WhetConfig | undefined;

/** The process-wide configuration, read from `process.env` on first use. */
export function getConfig(): WhetConfig {
  cached ??= loadConfig();
  return cached;
}
