import type { WhetConfig } from "../config";

/** What every Hub call needs: where the Hub is and the token to send, if any. */
export interface HubAccess {
  hubUrl: string;
  accessToken?: string;
  fetch?: typeof fetch;
}

export function hubAccessFrom(config: Pick<WhetConfig, "endpoint" | "token">): HubAccess {
  return config.token ? { hubUrl: config.endpoint, accessToken: config.token } : { hubUrl: config.endpoint };
}
