import { whoAmI } from "@huggingface/hub";
import { z } from "zod";
import type { HubAccess } from "./hub-access";
import { toHubError } from "./hub-error";

/** Who the configured token belongs to, as the Push dialog's owner picker needs it: never the token itself. */
export interface HubIdentity {
  name: string;
  /** Organisations the user belongs to: the other namespaces it may push to. */
  orgs: string[];
  /** The token's role allows writing; null when the Hub does not say (fine-grained tokens). */
  canWrite: boolean | null;
}

const identitySchema = z.object({
  name: z.string().max(200),
  orgs: z.array(z.object({ name: z.string().max(200) })).max(1000).optional(),
  auth: z.object({ accessToken: z.object({ role: z.string().max(50) }).optional() }).optional(),
});

/** The Hub's whoami for the configured token; null when there is no token. */
export async function whoAmIOnHub(access: HubAccess): Promise<HubIdentity | null> {
  if (!access.accessToken) return null;
  let answer: unknown;
  try {
    answer = await whoAmI({
      accessToken: access.accessToken,
      hubUrl: access.hubUrl,
      fetch: (input, init) => (access.fetch ?? fetch)(input, { ...init, signal: AbortSignal.timeout(30_000) }),
    });
  } catch (error) {
    throw toHubError(error, "the Hub account (whoami)", access.hubUrl);
  }
  const parsed = identitySchema.safeParse(answer);
  if (!parsed.success) return null;
  const role = parsed.data.auth?.accessToken?.role;
  return {
    name: parsed.data.name,
    orgs: (parsed.data.orgs ?? []).map((o) => o.name),
    canWrite: role === "write" || role === "admin" ? true : role === "read" ? false : null,
  };
}
