import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { bodyFraming, type BodyFraming } from "./body-framing";
import { headerValue, MAX_HEAD_BYTES, parseResponseHead, type ResponseHead } from "./response-head";
import { classifyNetworkError, closedError, TransferError } from "./transfer-error";

/**
 * Each connection reads into one buffer of this size, again and again. Node's
 * own sockets allocate a fresh 64 KiB buffer per read: for a 2 GB download
 * that is 30,000 buffers of garbage, and the collections they cause cost
 * more CPU than hashing every byte.
 */
const READ_BUFFER = 1 << 20;
/** Idle connections kept per origin, and for how long, as an agent with keep-alive does. */
const MAX_IDLE = 16;
const IDLE_MS = 10_000;
const HEAD_END = Buffer.from("\r\n\r\n");
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** What a connection does with what it reads: `data` is a view into the read buffer, valid until it returns (or its promise settles; reading waits for it). */
interface Receiver {
  data(bytes: Buffer): Promise<void> | undefined;
  closed(error: Error | null): void;
}

interface Connection {
  key: string;
  socket: Socket;
  receiver: Receiver | null;
  idleTimer: NodeJS.Timeout | null;
}

const idle = new Map<string, Connection[]>();

function protocol(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

function originKey(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function takeIdle(key: string): Connection | null {
  const list = idle.get(key);
  const connection = list?.pop() ?? null;
  if (list?.length === 0) idle.delete(key);
  if (connection) {
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    connection.idleTimer = null;
    connection.socket.ref();
  }
  return connection;
}

function dropIdle(connection: Connection): void {
  const list = idle.get(connection.key);
  const at = list?.indexOf(connection) ?? -1;
  if (list && at >= 0) list.splice(at, 1);
  if (list?.length === 0) idle.delete(connection.key);
  if (connection.idleTimer) clearTimeout(connection.idleTimer);
}

function release(connection: Connection): void {
  connection.receiver = null;
  const list = idle.get(connection.key) ?? [];
  if (list.length >= MAX_IDLE || connection.socket.destroyed) {
    connection.socket.destroy();
    return;
  }
  list.push(connection);
  idle.set(connection.key, list);
  // An idle connection never keeps the process alive.
  connection.socket.unref();
  connection.idleTimer = setTimeout(() => connection.socket.destroy(), IDLE_MS);
  connection.idleTimer.unref();
}

/** Opens a connection (TLS for https) whose reads land in its own reused buffer. */
function open(url: URL, signal: AbortSignal): Promise<Connection> {
  const https = url.protocol === "https:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port) || (https ? 443 : 80);
  const connection: Connection = { key: originKey(url), socket: undefined as unknown as Socket, receiver: null, idleTimer: null };
  let socketError: Error | null = null;
  const onread = {
    buffer: Buffer.allocUnsafe(READ_BUFFER),
    callback: (count: number, buffer: Buffer): boolean => {
      const receiver = connection.receiver;
      // Bytes nobody asked for (on an idle connection): it cannot carry another request cleanly.
      if (!receiver) {
        socket.destroy();
        return false;
      }
      const pending = receiver.data(buffer.subarray(0, count));
      if (!pending) return true;
      void pending.then(() => {
        if (!socket.destroyed) socket.resume();
      });
      return false;
    },
  };
  // A TLS socket is a net.Socket and honours onread too (its decrypted bytes land in the buffer); only the types omit it.
  const tlsOptions: ConnectionOptions & { onread: typeof onread } = { host, port, onread, ALPNProtocols: ["http/1.1"], ...(isIP(host) ? {} : { servername: host }) };
  const socket = https ? tlsConnect(tlsOptions) : netConnect({ host, port, onread });
  connection.socket = socket;
  socket.setNoDelay(true);
  socket.on("error", (error) => (socketError ??= error));
  socket.on("close", () => {
    dropIdle(connection);
    connection.receiver?.closed(socketError);
  });
  return new Promise((resolve, reject) => {
    const onAbort = () => socket.destroy();
    signal.addEventListener("abort", onAbort, { once: true });
    const settle = (error: Error | null) => {
      signal.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      socket.off(https ? "secureConnect" : "connect", onConnect);
      socket.off("close", onClose);
      if (error) reject(signal.aborted ? signal.reason : error);
      else resolve(connection);
    };
    const onConnect = () => settle(null);
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(socketError ?? closedError());
    socket.once(https ? "secureConnect" : "connect", onConnect);
    socket.once("error", onError);
    socket.once("close", onClose);
    if (signal.aborted) onAbort();
  });
}

function requestHead(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, "Accept-Encoding: identity", "Connection: keep-alive"];
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) throw protocol(`the request header ${TOKEN.test(name) ? name : "name"} holds a line break or an invalid character`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** An answer to a content GET: its status and headers now, its body when read. */
export interface ContentAnswer {
  status: number;
  headers: { get(name: string): string | null };
  /**
   * Reads the body to its end, giving `take` each piece as it arrives (a view
   * valid until `take` returns, or until its promise settles: nothing more is
   * read meanwhile). Rejects with a TransferError when the connection breaks
   * before the body's end, with what `take` throws, or with the abort reason.
   */
  read(take: (piece: Buffer) => Promise<void> | undefined): Promise<void>;
  /** Ends the exchange: a connection whose body was read whole is kept for the next request, any other is closed. */
  close(): void;
}

/** The connection was kept idle and the server had closed it: sent again on a new one (nothing of the answer arrived). */
class StaleConnection extends Error {}

/**
 * One GET over a connection, one answer; `reused` connections that turn out
 * to be closed reject with StaleConnection.
 */
function exchange(connection: Connection, head: string, signal: AbortSignal, reused: boolean): Promise<ContentAnswer> {
  const { socket } = connection;
  return new Promise((resolveAnswer, rejectAnswer) => {
    /** What arrived of the head so far, as copies (a piece is a view into the connection's buffer), and its last bytes. */
    let received: Buffer[] = [];
    let receivedBytes = 0;
    let tail = Buffer.alloc(0);
    let parsed: ResponseHead | null = null;
    let framing: BodyFraming | null = null;
    let gotBytes = false;
    let excess = false;
    let finished = false;
    let failure: unknown = null;
    let reader: { take: (piece: Buffer) => Promise<void> | undefined; resolve: () => void; reject: (error: unknown) => void } | null = null;
    let readerStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (readerStarted = resolve));
    /** The delivery of the last read, when it waits on `take`: a close is handled after it. */
    let delivering: Promise<void> | undefined;

    const fail = (error: unknown) => {
      if (finished) return;
      finished = true;
      failure = error;
      signal.removeEventListener("abort", onAbort);
      connection.receiver = null;
      socket.destroy();
      if (parsed === null) rejectAnswer(error);
      else if (reader) reader.reject(error);
      readerStarted();
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) return onAbort();

    const finish = () => {
      finished = true;
      signal.removeEventListener("abort", onAbort);
      const keep = framing?.reusable && !excess && !parsed?.http10 && !/(^|,)\s*close\s*($|,)/i.test(headerValue(parsed as ResponseHead, "connection") ?? "");
      if (keep) release(connection);
      else {
        connection.receiver = null;
        socket.destroy();
      }
      reader?.resolve();
    };

    /** Gives the body pieces in `bytes` to the reader, in order; a promise while one of them waits on `take`. */
    const deliver = (bytes: Buffer): Promise<void> | undefined => {
      const body = framing as BodyFraming;
      const pieces: Buffer[] = [];
      let used: number;
      try {
        used = body.feed(bytes, (piece) => pieces.push(piece));
      } catch (error) {
        fail(error);
        return undefined;
      }
      if (used < bytes.byteLength) excess = true;
      const take = (reader as NonNullable<typeof reader>).take;
      for (let index = 0; index < pieces.length; index++) {
        let pending: Promise<void> | undefined;
        try {
          pending = take(pieces[index] as Buffer);
        } catch (error) {
          fail(error);
          return undefined;
        }
        if (pending) {
          const rest = pieces.slice(index + 1);
          return (delivering = (async () => {
            try {
              await pending;
              for (const piece of rest) {
                if (finished) return;
                await take(piece);
              }
              if (!finished && body.done) finish();
            } catch (error) {
              fail(error);
            } finally {
              delivering = undefined;
            }
          })());
        }
      }
      if (body.done) finish();
      return undefined;
    };

    const answer = (headers: ResponseHead): ContentAnswer => ({
      status: headers.status,
      headers: { get: (name) => headerValue(headers, name) },
      read: (take) =>
        new Promise<void>((resolve, reject) => {
          if (failure !== null) return reject(failure);
          if (reader) return reject(new Error("the body is already being read"));
          reader = { take, resolve, reject };
          if (finished) return resolve();
          readerStarted();
        }),
      close: () => {
        if (!finished) fail(closedError());
      },
    });

    connection.receiver = {
      data(bytes) {
        gotBytes = true;
        if (finished) return undefined;
        if (parsed !== null) return reader ? deliver(bytes) : (delivering = started.then(() => (finished ? undefined : deliver(bytes))));
        received.push(Buffer.from(bytes));
        receivedBytes += bytes.byteLength;
        // Joined and parsed only once the blank line has come: a head dripped a byte at a time costs linear time, not quadratic.
        const ends = bytes.includes(HEAD_END) || Buffer.concat([tail, bytes.subarray(0, 3)]).includes(HEAD_END);
        tail = Buffer.from(Buffer.concat([tail, bytes.subarray(-3)]).subarray(-3));
        if (!ends) {
          if (receivedBytes > MAX_HEAD_BYTES) fail(protocol(`the server's response headers are longer than ${MAX_HEAD_BYTES >> 10} KiB`));
          return undefined;
        }
        let joined = Buffer.concat(received);
        try {
          for (;;) {
            const headers = parseResponseHead(joined);
            if (headers === null) {
              [received, receivedBytes] = [[joined], joined.byteLength];
              return undefined;
            }
            joined = joined.subarray(headers.length);
            // An interim answer (100 Continue, 103 Early Hints) precedes the real one.
            if (headers.status >= 100 && headers.status < 200) {
              if (headers.status === 101) throw protocol("the server switched protocols");
              continue;
            }
            parsed = headers;
            framing = bodyFraming(headers);
            break;
          }
        } catch (error) {
          fail(error);
          return undefined;
        }
        const rest = joined;
        resolveAnswer(answer(parsed));
        if (framing.done) {
          if (rest.byteLength > 0) excess = true;
          finish();
          return undefined;
        }
        if (rest.byteLength === 0) return undefined;
        return (delivering = started.then(() => (finished ? undefined : deliver(rest))));
      },
      closed(error) {
        const settle = () => {
          if (finished) return;
          if (parsed === null) {
            fail(reused && !gotBytes && !signal.aborted ? new StaleConnection() : (error ?? closedError()));
          } else if (framing?.closed()) {
            // The body ran until the close: whole, if a reader takes it.
            delivering = started.then(() => {
              if (!finished) finish();
            });
          } else fail(error ? classifyNetworkError(error, true) : closedError());
        };
        if (delivering) void delivering.then(settle);
        else settle();
      },
    };
    socket.write(head);
  });
}

/**
 * A GET over HTTP/1.1 on a kept-alive connection whose reads reuse one
 * buffer (see READ_BUFFER). Only what a file download needs: no redirects
 * (the caller follows them, deciding where the token goes), no request body,
 * no content coding (identity is asked for; bytes are verified by hash).
 * Rejects with the socket's error when no answer arrives, or the abort reason.
 */
export async function getContent(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<ContentAnswer> {
  signal.throwIfAborted();
  const head = requestHead(url, headers);
  const kept = takeIdle(originKey(url));
  if (kept) {
    try {
      return await exchange(kept, head, signal, true);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
    }
  }
  return exchange(await open(url, signal), head, signal, false);
}
