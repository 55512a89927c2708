import { getConfig, type WhetConfig } from "../../lib/config";

export interface Context {
  config: WhetConfig;
}

export function createContext(config: WhetConfig = getConfig()): Context {
  return { config };
}
