/**
 * Replies being generated, by id, so a Stop from the page (a separate
 * request) reaches the generation it means. One per server process, made
 * with the other services.
 */
export interface ActiveReplies {
  register(id: string, controller: AbortController): () => void;
  /** Stops a reply; false when it has already finished. */
  stop(id: string): boolean;
}

export function createActiveReplies(): ActiveReplies {
  const replies = new Map<string, AbortController>();
  return {
    register(id, controller) {
      replies.set(id, controller);
      return () => replies.delete(id);
    },
    stop(id) {
      const controller = replies.get(id);
      controller?.abort();
      return controller !== undefined;
    },
  };
}
