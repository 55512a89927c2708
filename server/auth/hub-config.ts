import type { WhetConfig } from "../../lib/config";
import type { AuthServices } from "./auth-services";

/**
 * The configuration a user's Hub requests run with. In team mode each user
 * uses the Hugging Face token they stored; only admins fall back to the
 * machine's HF_TOKEN, so nobody pushes with the owner's account by accident.
 */
export function configForUser(config: WhetConfig, auth: AuthServices, userId: string | null): WhetConfig {
  if (config.access.mode === "local" || userId === null || userId === "local") return config;
  const user = auth.users.getById(userId);
  if (!user) return { ...config, token: null };
  return { ...config, token: ownToken(auth, user.id) ?? (user.role === "admin" ? config.token : null) };
}

/** A stored token that no longer decrypts (the key file replaced) counts as none: Hub requests go out anonymous instead of every request failing. */
function ownToken(auth: AuthServices, userId: string): string | null {
  try {
    return auth.hubTokens.get(userId);
  } catch {
    return null;
  }
}
