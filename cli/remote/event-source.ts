import type { RemoteFetch } from "../../lib/remote/remote-fetch";

type Listener = (event: unknown) => void;

/**
 * The part of the browser's EventSource that tRPC's subscription link uses,
 * over a remote's fetch (Node 20 has no EventSource, and the token and the
 * pinned certificate must apply to event streams too). It does not reconnect
 * by itself: tRPC's link reconnects, resuming after the last event id.
 */
export function eventSourceOver(fetcher: RemoteFetch) {
  return class RemoteEventSource {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSED = 2;
    readyState = 0;
    readonly url: string;
    readonly withCredentials = false;
    private readonly listeners = new Map<string, Set<Listener>>();
    private readonly controller = new AbortController();

    constructor(url: string | URL) {
      this.url = String(url);
      void this.read();
    }

    addEventListener(type: string, listener: Listener): void {
      const set = this.listeners.get(type) ?? new Set();
      set.add(listener);
      this.listeners.set(type, set);
    }

    removeEventListener(type: string, listener: Listener): void {
      this.listeners.get(type)?.delete(listener);
    }

    close(): void {
      this.readyState = 2;
      this.controller.abort();
    }

    private emit(type: string, event: unknown): void {
      for (const listener of this.listeners.get(type) ?? []) listener(event);
    }

    /** A failure closes the source; the error event carries the reason (a refused token, an unreachable server). */
    private fail(reason: unknown): void {
      if (this.readyState === 2) return;
      this.readyState = 2;
      this.emit("error", reason instanceof Error ? reason : new Error("The event stream ended"));
    }

    private async read(): Promise<void> {
      try {
        const response = await fetcher(this.url, { headers: { accept: "text/event-stream" }, signal: this.controller.signal });
        if (!response.ok || !response.body) return this.fail(new Error(`The event stream answered HTTP ${response.status}`));
        this.readyState = 1;
        this.emit("open", { type: "open" });
        const decoder = new TextDecoder();
        let buffer = "";
        let event = { type: "", data: [] as string[], id: "" };
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          // A line this long is not one of the app's events: the stream is ended rather than held.
          if (buffer.length > 4_000_000) return this.fail(new Error("The event stream sent a line longer than any event"));
          let newline: number;
          while ((newline = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, newline).replace(/\r$/, "");
            buffer = buffer.slice(newline + 1);
            if (line === "") {
              if (event.data.length > 0) this.emit(event.type || "message", { type: event.type || "message", data: event.data.join("\n"), lastEventId: event.id });
              event = { type: "", data: [], id: event.id };
              continue;
            }
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event.type = value;
            else if (field === "data") event.data.push(value);
            else if (field === "id") event.id = value;
          }
        }
        this.fail(new Error("The event stream ended"));
      } catch (error) {
        this.fail(error);
      }
    }
  };
}
