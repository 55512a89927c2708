"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { useTRPC } from "../../_trpc/client";

export interface LiveReply {
  replyId: string | null;
  text: string;
  /** What the reply waits for before its first token: its place in the queue or the model loading. */
  waiting: string | null;
  stopping: boolean;
}

/**
 * Streams the answer to a conversation's last message over the tRPC SSE
 * subscription, and stops it from a separate request so the runner stops
 * computing at once. The saved reply replaces the live one when it ends.
 */
export function useReply() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveReply | null>(null);
  const [error, setError] = useState<unknown>(null);
  const subscription = useRef<{ unsubscribe: () => void } | null>(null);
  const stopMutation = useMutation(trpc.chat.stop.mutationOptions());

  const finish = useCallback(() => {
    subscription.current?.unsubscribe();
    subscription.current = null;
    setLive(null);
    // The conversation's first fetch may still be in flight, begun before this reply was saved. TanStack
    // keeps a fetch in flight for a query that has no data yet instead of starting another, so that
    // stale answer would stand (a tab then showed "no reply yet"): it is cancelled and fetched anew.
    const conversation = { queryKey: trpc.chat.conversation.queryKey() };
    void queryClient.cancelQueries(conversation).then(() => queryClient.invalidateQueries(conversation));
    void queryClient.invalidateQueries({ queryKey: trpc.chat.conversations.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.chat.runners.queryKey() });
  }, [queryClient, trpc]);

  const start = useCallback((conversationId: string) => {
    if (subscription.current) return;
    setError(null);
    setLive({ replyId: null, text: "", waiting: "Waiting for the model…", stopping: false });
    subscription.current = trpc.chat.reply.subscriptionOptions({ conversationId }).subscribe({
      onData(event) {
        switch (event.type) {
          case "reply":
            return setLive((l) => (l ? { ...l, replyId: event.replyId } : l));
          case "queued":
            return setLive((l) => (l ? { ...l, waiting: `Queued behind ${event.position} other ${event.position === 1 ? "reply" : "replies"}…` } : l));
          case "loading":
            return setLive((l) => (l ? { ...l, waiting: `Loading the model: ${event.phase} (${Math.round((event.done / event.total) * 100)}%)` } : l));
          case "start":
            return setLive((l) => (l ? { ...l, waiting: null } : l));
          case "delta":
            return setLive((l) => (l ? { ...l, waiting: null, text: l.text + event.text } : l));
          case "saved":
          case "discarded":
            return finish();
        }
      },
      onError(err) {
        setError(err);
        finish();
      },
    });
  }, [trpc, finish]);

  const stop = useCallback(() => {
    setLive((l) => {
      if (l?.replyId) stopMutation.mutate({ replyId: l.replyId });
      return l ? { ...l, stopping: true } : l;
    });
  }, [stopMutation]);

  return { live, error, start, stop, abandon: finish, streaming: live !== null };
}
