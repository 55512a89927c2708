import type { WhetConfig } from "../../lib/config";
import { getServices, type Services } from "../services";

export interface Context {
  config: WhetConfig;
  services: Services;
}

export function createContext(services: Services = getServices()): Context {
  return { config: services.config, services };
}
