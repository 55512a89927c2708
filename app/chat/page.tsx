"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useRef, useState } from "react";
import { mayExceedContext } from "../../lib/chat/may-exceed-context";
import { generationParamsSchema } from "../../lib/runner/generation-params";
import { ErrorBox } from "../_components/error-box";
import { useTRPC } from "../_trpc/client";
import { Markdown } from "./_components/markdown";
import { ReplyStats } from "./_components/reply-stats";
import { SettingsPanel, type ChatSettings } from "./_components/settings-panel";
import { useReply } from "./_components/use-reply";
import "./chat.css";

const DEFAULT_SETTINGS: ChatSettings = { system: "", params: generationParamsSchema.parse({ maxTokens: 512 }) };

function chatUrl(query: { model?: string | null; c?: string | null }): string {
  const params = new URLSearchParams();
  if (query.model) params.set("model", query.model);
  if (query.c) params.set("c", query.c);
  return `/chat${params.size ? `?${params.toString()}` : ""}`;
}

/** Error codes that mean the model itself cannot be loaded (not a passing problem). */
const LOAD_REFUSALS = new Set(["model_not_runnable", "load_failed", "unsafe_file", "runner_crash_loop"]);

function Chat() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const search = useSearchParams();
  const conversationId = search.get("c");
  const models = useQuery(trpc.chat.models.queryOptions());
  const [waitingForModel, setWaitingForModel] = useState(false);
  // While a reply waits for its model, the runner's state is watched closely: a failed load shows within a second.
  const runners = useQuery(trpc.chat.runners.queryOptions(undefined, { refetchInterval: waitingForModel ? 500 : 5_000 }));
  const conversations = useQuery(trpc.chat.conversations.queryOptions({}));
  const conversation = useQuery(trpc.chat.conversation.queryOptions(conversationId ? { id: conversationId } : skipToken));
  // The model to chat with: the conversation's, the one asked for, the one used last, or the first that runs.
  const lastUsed = [...(conversations.data ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).find((c) => models.data?.some((m) => m.id === c.model))?.model;
  // While an open conversation loads, no other model stands in for it (warming that one would evict this one's runner).
  const model = conversationId ? (conversation.data?.conversation.model ?? null) : (search.get("model") ?? lastUsed ?? models.data?.[0]?.id ?? null);

  const [settings, setSettings] = useState<ChatSettings>(DEFAULT_SETTINGS);
  const [showSettings, setShowSettings] = useState(false);
  const [draft, setDraft] = useState("");
  const reply = useReply();
  const create = useMutation(trpc.chat.create.mutationOptions());
  const update = useMutation(trpc.chat.update.mutationOptions());
  const send = useMutation(trpc.chat.send.mutationOptions());
  const dropLastReply = useMutation(trpc.chat.dropLastReply.mutationOptions());
  const warm = useMutation(trpc.chat.warm.mutationOptions());
  const countPrompt = useMutation(trpc.chat.promptSize.mutationOptions());
  // The last exact count of a long prompt, and the refusal when it leaves a reply no room.
  const [size, setSize] = useState<{ promptTokens: number; contextLength: number | null } | null>(null);
  const [tooLong, setTooLong] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const remove = useMutation(trpc.chat.remove.mutationOptions());
  const [renaming, setRenaming] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);

  // A conversation brings its own system prompt and settings.
  const loaded = conversation.data?.conversation;
  useEffect(() => {
    if (loaded) setSettings({ system: loaded.system, params: loaded.settings });
  }, [loaded?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  // Load the model while the user types the first message.
  const warmModel = warm.mutate;
  useEffect(() => {
    if (model) warmModel({ model });
  }, [model, warmModel]);

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [reply.live?.text, conversation.data?.messages.length]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.chat.conversation.queryKey() });

  async function submit() {
    if (submitting) return;
    setSubmitting(true);
    try {
      await sendDraft();
    } finally {
      setSubmitting(false);
    }
  }

  async function sendDraft() {
    const content = draft.trim();
    if (!content || !model || reply.streaming) return;
    setTooLong(null);
    // A prompt that might not fit is counted by the model's tokenizer and refused here, saying by how much.
    // The list may still be checking every model's health: its answer is needed here, so wait for it.
    const list = models.data ?? (await queryClient.ensureQueryData(trpc.chat.models.queryOptions()));
    const context = list.find((m) => m.id === model)?.contextLength ?? null;
    const texts = [settings.system, ...(conversationId ? messages.map((m) => m.content) : []), content];
    if (context && mayExceedContext(texts, context)) {
      const counted = await countPrompt.mutateAsync({ model, system: settings.system, content, ...(conversationId ? { conversationId } : {}) });
      setSize(counted);
      const limit = counted.contextLength ?? context;
      if (counted.promptTokens >= limit) {
        const over = counted.promptTokens - limit + 1;
        setTooLong(
          `This message makes the prompt ${counted.promptTokens.toLocaleString("en-US")} tokens; ${model} reads ${limit.toLocaleString("en-US")} at most, its reply included: ${over.toLocaleString("en-US")} ${over === 1 ? "token" : "tokens"} too many. Shorten it, or start a new chat.`,
        );
        return;
      }
    } else setSize(null);
    let id = conversationId;
    if (!id) {
      id = (await create.mutateAsync({ model, system: settings.system, settings: settings.params })).id;
    } else if (loaded && (loaded.system !== settings.system || JSON.stringify(loaded.settings) !== JSON.stringify(settings.params))) {
      await update.mutateAsync({ id, system: settings.system, settings: settings.params });
    }
    await send.mutateAsync({ conversationId: id, content });
    setDraft("");
    // At once, not as a router transition (which waits on the server): a reload from here on opens this conversation.
    if (id !== conversationId) window.history.replaceState(null, "", chatUrl({ c: id }));
    await refresh();
    void queryClient.invalidateQueries({ queryKey: trpc.chat.conversations.queryKey() });
    reply.start(id);
  }

  /** Answers the last message again (dropping its reply first, when it has one). */
  async function regenerate(dropReply: boolean) {
    if (!conversationId || reply.streaming) return;
    if (loaded && (loaded.system !== settings.system || JSON.stringify(loaded.settings) !== JSON.stringify(settings.params))) {
      await update.mutateAsync({ id: conversationId, system: settings.system, settings: settings.params });
    }
    if (dropReply) {
      await dropLastReply.mutateAsync({ conversationId });
      await refresh();
    }
    reply.start(conversationId);
  }

  const byModel = new Map<string, NonNullable<typeof conversations.data>>();
  for (const c of conversations.data ?? []) byModel.set(c.model, [...(byModel.get(c.model) ?? []), c]);
  const runner = runners.data?.find((r) => r.name === model) ?? null;
  // Why the model cannot answer: its runner failed to load, or the reply was refused for a finding that blocks loading.
  const refused = reply.error as { message?: string; data?: { whet?: { code?: string; hint?: string } | null } | null } | null;
  const refusedLoad = refused?.data?.whet?.code && LOAD_REFUSALS.has(refused.data.whet.code) ? { message: refused.message ?? "", hint: refused.data.whet.hint ?? "" } : null;
  const loadFailure = (runner?.state === "failed" ? runner.lastError : null) ?? refusedLoad;
  useEffect(() => setWaitingForModel(Boolean(reply.live?.waiting)), [reply.live?.waiting]);
  // A model that cannot load never answers: the waiting reply ends and the reason shows instead.
  const abandon = reply.abandon;
  useEffect(() => {
    if (loadFailure && reply.live) abandon();
  }, [loadFailure, reply.live, abandon]);
  const messages = conversation.data?.messages ?? [];
  const lastAssistant = messages.at(-1)?.role === "assistant" ? messages.at(-1) : null;
  // A message left without a reply: the page was reloaded or closed while its reply waited for the model.
  const unanswered = Boolean(conversationId) && messages.at(-1)?.role === "user" && !reply.streaming && !submitting;

  return (
    <div className="grid grid-cols-1 gap-6 md:grid-cols-[15rem_1fr]">
      <aside className="space-y-4">
        <label className="block text-xs font-medium text-stone-600">
          Model
          <select
            aria-label="Model"
            data-testid="model-select"
            className="mt-1 w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm"
            value={model ?? ""}
            onChange={(e) => {
              // A reply still streaming belongs to the old conversation: stop it cleanly; the draft stays.
              if (reply.streaming) reply.abandon();
              router.push(chatUrl({ model: e.target.value }));
            }}
          >
            {(models.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.id} {m.ownedBy === "workspace" ? "(workspace)" : ""}
              </option>
            ))}
          </select>
        </label>
        {models.data && models.data.length === 0 ? <p className="text-sm text-stone-500">No runnable model yet: clone one from the Hub page.</p> : null}
        <Link href={chatUrl({ model })} className="block rounded-md border border-stone-300 px-3 py-1.5 text-center text-sm hover:bg-stone-100">
          New chat
        </Link>
        <nav data-testid="conversation-list" className="space-y-3">
          {[...byModel.entries()].map(([m, list]) => (
            <div key={m}>
              <p className="text-xs font-semibold uppercase tracking-wide text-stone-400">{m}</p>
              <ul className="mt-1 space-y-0.5">
                {list.map((c) => (
                  <li key={c.id}>
                    <Link
                      href={chatUrl({ c: c.id })}
                      className={`block truncate rounded px-2 py-1 text-sm ${c.id === conversationId ? "bg-stone-200 font-medium" : "hover:bg-stone-100"}`}
                    >
                      {c.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
      </aside>

      <section className="flex min-h-[70vh] min-w-0 flex-col">
        <div className="flex items-center justify-between border-b border-stone-200 pb-2">
          {renaming !== null && loaded ? (
            <form
              className="flex items-center gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                const title = renaming.trim();
                if (title) void update.mutateAsync({ id: loaded.id, title }).then(() => Promise.all([refresh(), queryClient.invalidateQueries({ queryKey: trpc.chat.conversations.queryKey() })]));
                setRenaming(null);
              }}
            >
              <input aria-label="Conversation title" className="rounded-md border border-stone-300 px-2 py-1 text-sm" value={renaming} maxLength={200} onChange={(e) => setRenaming(e.target.value)} autoFocus />
              <button type="submit" className="text-xs font-medium hover:underline">Save</button>
              <button type="button" className="text-xs hover:underline" onClick={() => setRenaming(null)}>Cancel</button>
            </form>
          ) : (
            <h1 className="text-lg font-semibold tracking-tight" data-testid="chat-title">
              {loaded?.title ?? "New chat"} <span className="text-sm font-normal text-stone-500">· {model ?? "no model"}</span>
            </h1>
          )}
          <div className="flex items-center gap-3 text-xs text-stone-500">
            <span data-testid="runner-state">
              {runner ? `runner ${runner.state}${runner.tokenizerFix ? " · tokenizer fix A2 applied" : ""}` : "runner not started"}
            </span>
            {loaded && renaming === null ? (
              <>
                <button type="button" className="hover:underline" onClick={() => setRenaming(loaded.title)}>
                  Rename
                </button>
                <button
                  type="button"
                  className="text-red-700 hover:underline"
                  onClick={() => {
                    if (!window.confirm(`Delete the conversation "${loaded.title}"? Its messages cannot be brought back.`)) return;
                    if (reply.streaming) reply.abandon();
                    void remove.mutateAsync({ id: loaded.id }).then(() => {
                      void queryClient.invalidateQueries({ queryKey: trpc.chat.conversations.queryKey() });
                      router.push(chatUrl({ model }));
                    });
                  }}
                >
                  Delete
                </button>
              </>
            ) : null}
            <button type="button" className="rounded border border-stone-300 px-2 py-1 hover:bg-stone-100" onClick={() => setShowSettings((s) => !s)}>
              {showSettings ? "Hide settings" : "Settings"}
            </button>
          </div>
        </div>
        {loadFailure && model ? (
          <div role="alert" data-testid="load-failure" className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
            <p className="font-medium">{loadFailure.message.startsWith(model) ? loadFailure.message : `${model} cannot be loaded: ${loadFailure.message}`}</p>
            <p className="mt-1">{loadFailure.hint}</p>
            <Link href={`/repair/diagnose?model=${encodeURIComponent(model)}`} className="mt-2 inline-block font-medium underline">
              Fix this model
            </Link>
          </div>
        ) : null}
        {runner?.lastCrash ? (
          <p role="status" className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {runner.lastCrash}
          </p>
        ) : null}
        {showSettings ? (
          <div className="mt-3 rounded-md border border-stone-200 bg-white p-3">
            <SettingsPanel value={settings} onChange={setSettings} />
          </div>
        ) : null}

        <div className="flex-1 space-y-4 py-4" data-testid="messages">
          {messages.map((m) => (
            <div key={m.id} data-testid="message" data-role={m.role} className={m.role === "user" ? "ml-8 rounded-lg bg-stone-200 px-4 py-2 sm:ml-16" : "sm:mr-8"}>
              {m.role === "user" ? <p className="whitespace-pre-wrap break-words text-sm">{m.content}</p> : <Markdown text={m.content} />}
              {m.stats ? <ReplyStats stats={m.stats} /> : null}
              {m.role === "assistant" ? (
                <button
                  type="button"
                  className="mr-3 mt-1 text-xs text-stone-600 hover:underline"
                  onClick={() => void navigator.clipboard.writeText(m.content).then(() => setCopied(m.id))}
                >
                  {copied === m.id ? "Copied" : "Copy"}
                </button>
              ) : null}
              {m === lastAssistant && !reply.streaming ? (
                <button type="button" className="mt-1 text-xs text-stone-600 hover:underline" onClick={() => void regenerate(true)}>
                  Regenerate
                </button>
              ) : null}
            </div>
          ))}
          {unanswered ? (
            <p className="text-sm text-stone-500">
              This message has no reply yet.{" "}
              <button type="button" className="font-medium text-stone-700 underline" onClick={() => void regenerate(false)}>
                Answer it
              </button>
            </p>
          ) : null}
          {reply.live ? (
            <div data-testid="streaming-reply" className="mr-8">
              {reply.live.waiting ? <p className="text-sm text-stone-500">{reply.live.waiting}</p> : null}
              <Markdown text={reply.live.text} />
              <span className="inline-block h-4 w-2 animate-pulse bg-stone-400 align-middle" aria-hidden />
            </div>
          ) : null}
          <ErrorBox error={(refusedLoad ? null : reply.error) ?? create.error ?? send.error ?? update.error ?? remove.error ?? countPrompt.error ?? conversation.error} />
          <div ref={bottom} />
        </div>

        <form
          className="sticky bottom-0 flex gap-2 border-t border-stone-200 bg-stone-50 pt-3"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <textarea
            aria-label="Message"
            className="h-20 flex-1 rounded-md border border-stone-300 px-3 py-2 text-sm"
            placeholder={model ? `Message ${model}` : "Pick a model first"}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setTooLong(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                void submit();
              }
            }}
          />
          {reply.streaming ? (
            <button type="button" data-testid="stop-button" className="rounded-md bg-red-700 px-4 text-sm font-medium text-white hover:bg-red-600" onClick={reply.stop} disabled={reply.live?.stopping}>
              {reply.live?.stopping ? "Stopping…" : "Stop"}
            </button>
          ) : (
            <button type="submit" className="rounded-md bg-stone-900 px-4 text-sm font-medium text-white hover:bg-stone-700" disabled={!model || !draft.trim()}>
              Send
            </button>
          )}
        </form>
        {tooLong ? (
          <p role="alert" data-testid="prompt-too-long" className="mt-1 text-sm text-red-700">
            {tooLong}
          </p>
        ) : null}
        {size ? (
          <p data-testid="prompt-size" className="mt-1 text-xs text-stone-500">
            Prompt {size.promptTokens.toLocaleString("en-US")} tokens{size.contextLength ? ` of a ${size.contextLength.toLocaleString("en-US")}-token context` : ""}
          </p>
        ) : null}
      </section>
    </div>
  );
}

export default function ChatPage() {
  return (
    <Suspense fallback={<p className="text-sm text-stone-500">Loading…</p>}>
      <Chat />
    </Suspense>
  );
}
