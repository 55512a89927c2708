import { join } from "node:path";
import { afterEach } from "vitest";
import { loadConfig, type WhetConfig } from "../../lib/config";
import { LOCAL_PRINCIPAL } from "../auth/principal";
import { createServices, type Services } from "../services";
import { createCallerFactory } from "../trpc/init";
import { appRouter } from "../routers/_app";

/**
 * Services for router tests on a temporary root (data, workspaces, HF cache
 * inside it), closed after each test; `call` is the app router's caller as
 * the person at the machine. The services also become the process-wide ones
 * (what `getServices()` returns), so route handlers can be called directly.
 */
export function useTestServices(tempDir: () => Promise<string>) {
  const open: Services[] = [];
  const holder = globalThis as typeof globalThis & { __whetServices?: Services };
  afterEach(async () => {
    delete holder.__whetServices;
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (changes: Partial<WhetConfig> = {}, options: Parameters<typeof createServices>[1] = {}) => {
    const root = await tempDir();
    const config: WhetConfig = {
      ...loadConfig(),
      dataDir: join(root, "data"),
      workspaceRoot: join(root, "workspaces"),
      hubCache: join(root, "hub"),
      hfHome: join(root, "hf"),
      ...changes,
    };
    const services = createServices(config, options);
    open.push(services);
    holder.__whetServices = services;
    return { config, services, root, call: createCallerFactory(appRouter)({ config, services, principal: LOCAL_PRINCIPAL, address: "local" }) };
  };
}
