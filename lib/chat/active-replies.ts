/**
 * Replies being generated, by id, so a Stop from the page (a separate
 * request) reaches the generation it means. One per server process, made
 * with the other services.
 */
export interface ActiveReplies {
  /** Returns the call that ends the registration, once the reply is saved or discarded. */
  register(id: string, controller: AbortController, conversationId?: string): () => void;
  /** Stops a reply; false when it has already finished. */
  stop(id: string): boolean;
  /**
   * Resolves once every stopped reply of the conversation has been saved, or after `ms`: a page
   * reloaded mid-reply stops it, and its next read must show what was kept, not the moment before.
   */
  settled(conversationId: string, ms?: number): Promise<void>;
}

interface Reply {
  controller: AbortController;
  conversationId: string | null;
  ended: Promise<void>;
}

export function createActiveReplies(): ActiveReplies {
  const replies = new Map<string, Reply>();
  return {
    register(id, controller, conversationId) {
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      replies.set(id, { controller, conversationId: conversationId ?? null, ended });
      return () => {
        replies.delete(id);
        end();
      };
    },
    stop(id) {
      const controller = replies.get(id)?.controller;
      controller?.abort();
      return controller !== undefined;
    },
    async settled(conversationId, ms = 5_000) {
      const ending = [...replies.values()].filter((r) => r.conversationId === conversationId && r.controller.signal.aborted).map((r) => r.ended);
      if (!ending.length) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(ending), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
    },
  };
}
