import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("loadConfig", () => {
  const base = { HOME: "/home/u" };

  it("resolves the hub cache in huggingface_hub's order", () => {
    expect(loadConfig(base).hubCache).toBe("/home/u/.cache/huggingface/hub");
    expect(loadConfig({ ...base, XDG_CACHE_HOME: "/x" }).hubCache).toBe("/x/huggingface/hub");
    expect(loadConfig({ ...base, XDG_CACHE_HOME: "/x", HF_HOME: "/h" }).hubCache).toBe("/h/hub");
    expect(loadConfig({ ...base, HF_HOME: "/h", HUGGINGFACE_HUB_CACHE: "/legacy" }).hubCache).toBe("/legacy");
    expect(loadConfig({ ...base, HF_HOME: "/h", HUGGINGFACE_HUB_CACHE: "/legacy", HF_HUB_CACHE: "/c" }).hubCache).toBe("/c");
  });

  it("expands ~ and $VARS in paths like Python does", () => {
    expect(loadConfig({ ...base, HF_HOME: "~/hf" }).hfHome).toBe("/home/u/hf");
    expect(loadConfig({ ...base, DISK: "/mnt/d", HF_HUB_CACHE: "$DISK/cache" }).hubCache).toBe("/mnt/d/cache");
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ ...base, HF_HOME: "" }).hubCache).toBe("/home/u/.cache/huggingface/hub");
  });

  it("reads endpoint, token, workspaces and data dir", () => {
    const config = loadConfig({
      ...base,
      HF_ENDPOINT: "http://127.0.0.1:9999/",
      HF_TOKEN: "hf_abc",
      WHET_HOME: "/data/whet",
    });
    expect(config.endpoint).toBe("http://127.0.0.1:9999");
    expect(config.token).toBe("hf_abc");
    expect(config.dataDir).toBe("/data/whet");
    expect(config.workspaceRoot).toBe("/data/whet/workspaces");
    expect(loadConfig({ ...base, WHET_WORKSPACES: "/ws" }).workspaceRoot).toBe("/ws");
    expect(loadConfig(base).endpoint).toBe("https://huggingface.co");
  });

  it("knows the endpoint is the demo hub only when start-up says so", () => {
    expect(loadConfig(base).demoHub).toBe(false);
    expect(loadConfig({ ...base, WHET_DEMO_HUB: "1" }).demoHub).toBe(true);
    expect(() => loadConfig({ ...base, WHET_DEMO_HUB: "yes" })).toThrowError(/WHET_DEMO_HUB must be 1/);
  });

  it("rejects a malformed endpoint with a fix", () => {
    expect(() => loadConfig({ ...base, HF_ENDPOINT: "not a url" })).toThrowError(/HF_ENDPOINT/);
  });

  it("is in local mode on loopback by default, and refuses a LAN address outside team mode", () => {
    expect(loadConfig(base).access).toMatchObject({ mode: "local", host: "127.0.0.1", port: 3100, allowedHosts: [], tls: null });
    expect(() => loadConfig({ ...base, WHET_HOST: "0.0.0.0" })).toThrowError(/not a loopback address/);
    expect(loadConfig({ ...base, WHET_HOST: "127.0.0.2" }).access.host).toBe("127.0.0.2");
  });

  it("reads team mode: the name and bound address as allowed hosts, TLS files, quotas", () => {
    const team = loadConfig({ ...base, WHET_HOME: "/data/whet", WHET_MODE: "team", WHET_HOST: "127.0.0.2", WHET_PORT: "3199", WHET_LAN_NAME: "Whetstone.local", WHET_TLS: "1", WHET_QUOTA_JOBS: "2" }).access;
    expect(team).toMatchObject({
      mode: "team",
      name: "whetstone.local",
      allowedHosts: ["whetstone.local:3199", "127.0.0.2:3199"],
      tls: { cert: "/data/whet/tls/cert.pem", key: "/data/whet/tls/key.pem", selfSigned: true },
      quotas: { concurrentJobs: 2, chatPerMinute: 30 },
    });
    expect(loadConfig({ ...base, WHET_MODE: "team", WHET_HOST: "10.1.2.3", WHET_PORT: "443", WHET_TLS_CERT: "/c.pem", WHET_TLS_KEY: "/k.pem" }).access).toMatchObject({
      tls: { cert: "/c.pem", key: "/k.pem", selfSigned: false },
      allowedHosts: ["10.1.2.3:443", "10.1.2.3"],
    });
    expect(() => loadConfig({ ...base, WHET_MODE: "team", WHET_TLS_CERT: "/c.pem" })).toThrowError(/go together/);
    expect(() => loadConfig({ ...base, WHET_MODE: "lan" })).toThrowError(/WHET_MODE must be local or team/);
    expect(() => loadConfig({ ...base, WHET_LAN_NAME: "evil/x" })).toThrowError(/host name such as whetstone.local/);
  });
});
