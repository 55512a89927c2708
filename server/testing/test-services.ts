import { join } from "node:path";
import { afterEach } from "vitest";
import { loadConfig, type WhetConfig } from "../../lib/config";
import { createServices, type Services } from "../services";
import { createCallerFactory } from "../trpc/init";
import { appRouter } from "../routers/_app";

/**
 * Services for router tests on a temporary root (data, workspaces, HF cache
 * inside it), closed after each test; `call` is the app router's caller.
 */
export function useTestServices(tempDir: () => Promise<string>) {
  const open: Services[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (changes: Partial<WhetConfig> = {}) => {
    const root = await tempDir();
    const config: WhetConfig = {
      ...loadConfig(),
      dataDir: join(root, "data"),
      workspaceRoot: join(root, "workspaces"),
      hubCache: join(root, "hub"),
      hfHome: join(root, "hf"),
      ...changes,
    };
    const services = createServices(config);
    open.push(services);
    return { config, services, root, call: createCallerFactory(appRouter)({ config, services }) };
  };
}
