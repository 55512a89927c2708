import { z } from "zod";
import { hubTokenSchema } from "../../lib/auth/hub-token-store";
import { passwordSchema, scopesForRole } from "../../lib/auth/roles";
import { tokenNameSchema, tokenScopesSchema } from "../../lib/auth/token-store";
import type { User } from "../../lib/auth/user-store";
import { WhetError } from "../../lib/errors";
import type { Context } from "../trpc/context";
import { router, viewerProcedure } from "../trpc/init";

/** The signed-in user's account; the person at the machine in local mode has none. */
function account(ctx: Context): User {
  const user = ctx.principal ? ctx.services.auth.users.getById(ctx.principal.id) : null;
  if (!user) {
    throw new WhetError("no_account", "In local mode the person at the machine has no account to change", "Accounts are for team mode: create them with `whet users add NAME --role ROLE`, then start with `npm start -- --lan`.");
  }
  return user;
}

/** Your own account: who you are, your password, your API tokens, your Hugging Face token. */
export const accountRouter = router({
  me: viewerProcedure.query(({ ctx }) => ({
    mode: ctx.config.access.mode,
    name: ctx.principal?.name ?? "",
    role: ctx.principal?.role ?? "viewer",
    via: ctx.principal?.via ?? "session",
    scopes: ctx.principal?.scopes ?? [],
  })),
  changePassword: viewerProcedure
    .input(z.object({ current: z.string().min(1, "Enter your current password").max(200), next: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = account(ctx);
      const { auth } = ctx.services;
      const wait = auth.throttle.wait(ctx.address, user.name);
      if (wait > 0) throw new WhetError("too_many_attempts", "Too many wrong passwords for this account", `Wait ${Math.ceil(wait / 1000)} seconds and try again.`, { retryAfterSeconds: Math.ceil(wait / 1000), field: "current" });
      if (!(await auth.users.verify(user.name, input.current))) {
        auth.throttle.failed(ctx.address, user.name);
        throw new WhetError("wrong_password", "That is not your current password", "Type the password you signed in with.", { field: "current" });
      }
      await auth.users.setPassword(user.name, input.next);
      // Anyone else signed in as you (a forgotten browser, a stolen cookie) is signed out.
      auth.sessions.revokeAll(user.id, ctx.principal?.sessionId);
      return { changed: true };
    }),
  tokens: viewerProcedure.query(({ ctx }) => ctx.services.auth.tokens.list({ userId: account(ctx).id })),
  createToken: viewerProcedure.input(z.object({ name: tokenNameSchema, scopes: tokenScopesSchema })).mutation(({ ctx, input }) => {
    const user = account(ctx);
    const beyond = input.scopes.filter((s) => !scopesForRole(user.role).includes(s));
    if (beyond.length) {
      throw new WhetError("invalid_input", `A ${user.role} cannot give a token the ${beyond.join(" or ")} scope`, `Choose among ${scopesForRole(user.role).join(", ")}.`, { field: "scopes" });
    }
    // The token is in this answer and nowhere else: the page shows it once.
    return ctx.services.auth.tokens.create({ userId: user.id, name: input.name, scopes: input.scopes });
  }),
  revokeToken: viewerProcedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => {
    const token = ctx.services.auth.tokens.get(input.id);
    if (!token || token.userId !== account(ctx).id) throw new WhetError("token_not_found", `No token ${input.id} of yours`, "Refresh the list of your tokens.");
    return ctx.services.auth.tokens.revoke(input.id);
  }),
  hubToken: viewerProcedure.query(({ ctx }) => ({ storedAt: ctx.services.auth.hubTokens.storedAt(account(ctx).id) })),
  setHubToken: viewerProcedure.input(z.object({ token: hubTokenSchema })).mutation(({ ctx, input }) => {
    const user = account(ctx);
    ctx.services.auth.hubTokens.set(user.id, input.token);
    return { storedAt: ctx.services.auth.hubTokens.storedAt(user.id) };
  }),
  clearHubToken: viewerProcedure.mutation(({ ctx }) => {
    ctx.services.auth.hubTokens.clear(account(ctx).id);
    return { storedAt: null };
  }),
});
