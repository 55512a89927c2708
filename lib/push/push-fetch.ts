/**
 * The fetch every push request goes through. The Hub token only ever goes to
 * the Hub's own origin: an Authorization header is removed from any request
 * to another host (LFS storage URLs) and from any redirect that leaves the
 * origin, redirects being followed here, by hand, at most a few times. Every
 * request is bounded in time: a fixed limit for API calls, and for uploads a
 * limit on how long the body may stall. Upload bodies are streamed with their
 * length declared (storage services refuse chunked uploads) and counted.
 */
export interface PushFetchOptions {
  hubUrl: string;
  fetch: typeof fetch;
  signal: AbortSignal;
  /** Bytes of an upload body sent; `path` is the repo path the client said the body is for. */
  onUploadBytes?: (path: string | null, bytes: number) => void;
  requestTimeoutMs?: number;
  stallTimeoutMs?: number;
}

const MAX_REDIRECTS = 5;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export function pushFetch(options: PushFetchOptions): typeof fetch {
  const hubOrigin = new URL(options.hubUrl).origin;
  const requestTimeout = options.requestTimeoutMs ?? 300_000;
  const stallTimeout = options.stallTimeoutMs ?? 60_000;

  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init.method ?? "GET").toUpperCase();
    const headers = new Headers(init.headers);
    let body = init.body ?? null;
    const hint = (init as { progressHint?: { path?: unknown } }).progressHint;
    const path = typeof hint?.path === "string" ? hint.path : null;

    // The timer outlives the answer on purpose: it also bounds reading the body. Unref'd, it never holds the process up.
    const timeout = new AbortController();
    const signal = AbortSignal.any([options.signal, timeout.signal, ...(init.signal ? [init.signal] : [])]);
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => timeout.abort(new DOMException(`${what} ${url.host} for ${Math.round(ms / 1000)} s`, "TimeoutError")), ms);
      timer.unref();
    };

    const streamed = body instanceof Blob && method === "PUT";
    let extra: RequestInit = {};
    if (streamed) {
      const blob = body as Blob;
      headers.set("Content-Length", String(blob.size));
      arm(stallTimeout, "No upload progress to");
      body = blob.stream().pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, sink) {
            arm(stallTimeout, "No upload progress to");
            options.onUploadBytes?.(path, chunk.byteLength);
            sink.enqueue(chunk);
          },
          flush() {
            arm(requestTimeout, "No answer from");
          },
        }),
      );
      extra = { duplex: "half" } as RequestInit;
    } else arm(requestTimeout, "No answer from");

    for (let hop = 0; ; hop++) {
      if (url.origin !== hubOrigin) headers.delete("Authorization");
      const response = await options.fetch(url, { ...extra, method, headers, body, redirect: "manual", signal });
      const location = response.headers.get("location");
      if (!REDIRECT.has(response.status) || !location) return response;
      // A streamed body cannot be sent twice; the storage services a push uploads to answer without redirects.
      if (streamed || hop >= MAX_REDIRECTS) return response;
      await response.body?.cancel();
      url = new URL(location, url);
      if (response.status === 303) body = null;
    }
  };
}
