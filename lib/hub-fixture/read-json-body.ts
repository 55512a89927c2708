import type { z } from "zod";
import { sendHubError } from "./hub-response";
import { readBody } from "./read-body";
import type { RouteContext } from "./route-context";

/** The request's JSON body checked against `schema`; on failure answers 400 and returns null. */
export async function readJsonBody<T>(ctx: RouteContext, schema: z.ZodType<T>): Promise<T | null> {
  let json: unknown;
  try {
    json = JSON.parse(await readBody(ctx.req));
  } catch {
    sendHubError(ctx.res, { status: 400, message: "Expected a JSON body" });
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    sendHubError(ctx.res, { status: 400, message: `Invalid request body: ${parsed.error.issues[0]?.message ?? "unexpected shape"}` });
    return null;
  }
  return parsed.data;
}
