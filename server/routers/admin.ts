import { z } from "zod";
import { auditFilterSchema } from "../../lib/auth/audit-log";
import { passwordSchema, roleSchema, userNameSchema } from "../../lib/auth/roles";
import { adminProcedure, router } from "../trpc/init";

const name = z.object({ name: userNameSchema });

/** Accounts, everyone's tokens and the audit log. */
export const adminRouter = router({
  users: adminProcedure.query(({ ctx }) => {
    const tokens = ctx.services.auth.tokens.list();
    return ctx.services.auth.users.list().map((user) => ({
      ...user,
      activeTokens: tokens.filter((t) => t.userId === user.id && !t.revokedAt).length,
      hubTokenStoredAt: ctx.services.auth.hubTokens.storedAt(user.id),
    }));
  }),
  addUser: adminProcedure
    .input(z.object({ name: userNameSchema, role: roleSchema, password: passwordSchema }))
    .mutation(({ ctx, input }) => ctx.services.auth.users.add(input)),
  setRole: adminProcedure.input(name.extend({ role: roleSchema })).mutation(({ ctx, input }) => ctx.services.auth.users.setRole(input.name, input.role)),
  resetPassword: adminProcedure.input(name.extend({ password: passwordSchema })).mutation(async ({ ctx, input }) => {
    const user = await ctx.services.auth.users.setPassword(input.name, input.password);
    ctx.services.auth.sessions.revokeAll(user.id);
    return user;
  }),
  removeUser: adminProcedure.input(name).mutation(({ ctx, input }) => ctx.services.auth.users.remove(input.name)),
  tokens: adminProcedure.query(({ ctx }) => ctx.services.auth.tokens.list()),
  revokeToken: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => ctx.services.auth.tokens.revoke(input.id)),
  audit: adminProcedure.input(auditFilterSchema.partial()).query(({ ctx, input }) => ctx.services.auth.audit.list(input)),
});
