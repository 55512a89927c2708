import { z } from "zod";
import { assertPromptSize } from "../../lib/chat/prompt-limit";
import { generateReply } from "../../lib/chat/generate-reply";
import { promptSize } from "../../lib/chat/prompt-size";
import { isModelName } from "../../lib/models/model-name";
import { listRunnableModels } from "../../lib/openai/list-runnable-models";
import { generationParamsSchema } from "../../lib/runner/generation-params";
import { viewerProcedure, router } from "../trpc/init";

/** The browser names models (workspace or org/name[@rev]), never filesystem paths. */
const modelName = z.string().min(1).max(300).refine(isModelName, "Name a model (a workspace or org/name[@rev]), not a path");
const id = z.string().uuid();

export const chatRouter = router({
  /** Models that would load (a health check of every model: fetch it when the list may have changed, not on a timer). */
  models: viewerProcedure.query(async ({ ctx }) => {
    const models = await listRunnableModels({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    return models.map((m) => ({ id: m.id, ownedBy: m.owned_by, contextLength: m.context_length }));
  }),
  /** The runners that are up and their state: in memory, cheap to poll. */
  runners: viewerProcedure.query(({ ctx }) => ctx.services.runners.list()),
  conversations: viewerProcedure.input(z.object({ model: modelName.optional() })).query(({ ctx, input }) =>
    ctx.services.chats.listConversations(input.model ? { model: input.model } : {}),
  ),
  conversation: viewerProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    // Read first: one that is not the caller's is refused before anything waits on it.
    ctx.services.chats.getConversation(input.id);
    await ctx.services.replies.settled(input.id);
    return ctx.services.chats.getConversation(input.id);
  }),
  create: viewerProcedure
    .input(z.object({ model: modelName, system: z.string().max(20_000).optional(), settings: generationParamsSchema.partial().optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.chats.createConversation({
        model: input.model,
        ...(input.system !== undefined ? { system: input.system } : {}),
        ...(input.settings ? { settings: generationParamsSchema.parse(input.settings) } : {}),
      }),
    ),
  update: viewerProcedure
    .input(z.object({ id, system: z.string().max(20_000).optional(), settings: generationParamsSchema.optional(), title: z.string().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => {
      const { id: conversationId, ...changes } = input;
      return ctx.services.chats.updateConversation(conversationId, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    }),
  remove: viewerProcedure.input(z.object({ id })).mutation(({ ctx, input }) => ctx.services.chats.deleteConversation(input.id)),
  send: viewerProcedure
    .input(z.object({ conversationId: id, content: z.string().min(1).max(200_000) }))
    .mutation(({ ctx, input }) => {
      const store = ctx.services.chats;
      // A message the model could never be asked to read is refused before it is stored.
      const { conversation, messages } = store.getConversation(input.conversationId);
      assertPromptSize({ messages: [{ role: "system", content: conversation.system }, ...messages, { role: "user", content: input.content }] });
      return store.addMessage({ conversationId: input.conversationId, role: "user", content: input.content });
    }),
  /** The prompt's tokens with `content` sent next, against the context: the page refuses what leaves no room for a reply. */
  promptSize: viewerProcedure
    .input(z.object({ model: modelName, system: z.string().max(20_000), conversationId: id.optional(), content: z.string().min(1).max(200_000) }))
    .mutation(({ ctx, input }) =>
      promptSize({
        store: ctx.services.chats,
        pool: ctx.services.runners,
        model: input.model,
        system: input.system,
        content: input.content,
        ...(input.conversationId ? { conversationId: input.conversationId } : {}),
      }),
    ),
  /** Regenerate: the last reply goes, and the next `reply` answers the same message again. */
  dropLastReply: viewerProcedure
    .input(z.object({ conversationId: id }))
    .mutation(({ ctx, input }) => ctx.services.chats.dropLastReply(input.conversationId)),
  /** Loads the model while the user types. */
  warm: viewerProcedure.input(z.object({ model: modelName })).mutation(async ({ ctx, input }) => {
    const { runner } = await ctx.services.runners.runnerFor(input.model);
    runner.warm();
    return runner.status();
  }),
  stop: viewerProcedure.input(z.object({ replyId: id })).mutation(({ ctx, input }) => ({ stopped: ctx.services.replies.stop(input.replyId) })),
  /** Streams the answer to the conversation's last message token by token, and saves it when it ends. */
  reply: viewerProcedure.input(z.object({ conversationId: id })).subscription(async function* ({ ctx, input, signal }) {
    yield* generateReply({
      store: ctx.services.chats,
      pool: ctx.services.runners,
      replies: ctx.services.replies,
      conversationId: input.conversationId,
      ...(signal ? { signal } : {}),
    });
  }),
});
