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

  it("rejects a malformed endpoint with a fix", () => {
    expect(() => loadConfig({ ...base, HF_ENDPOINT: "not a url" })).toThrowError(/HF_ENDPOINT/);
  });
});
