/**
 * Replies being generated, by id, so a Stop from the page (a separate
 * request) reaches the generation it means. Held on globalThis: one registry
 * per server process, whatever Next reloads.
 */
const holder = globalThis as typeof globalThis & { __whetActiveReplies?: Map<string, AbortController> };

function replies(): Map<string, AbortController> {
  holder.__whetActiveReplies ??= new Map();
  return holder.__whetActiveReplies;
}

export function registerReply(id: string, controller: AbortController): () => void {
  replies().set(id, controller);
  return () => replies().delete(id);
}

/** Stops a reply; false when it has already finished. */
export function stopReply(id: string): boolean {
  const controller = replies().get(id);
  controller?.abort();
  return controller !== undefined;
}
