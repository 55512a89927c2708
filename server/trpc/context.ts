import type { WhetConfig } from "../../lib/config";
import type { Principal } from "../auth/principal";
import type { Services } from "../services";

export interface Context {
  config: WhetConfig;
  services: Services;
  /** Who is asking; null when nobody signed in (team mode). Procedures see services scoped to it. */
  principal: Principal | null;
  /** The client's address, for the audit log. */
  address: string;
}

export function createContext(services: Services, access: { principal: Principal | null; address: string }): Context {
  return { config: services.config, services, ...access };
}
