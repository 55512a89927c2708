import { headerValue, type ResponseHead } from "./response-head";
import { TransferError } from "./transfer-error";

/**
 * Where a response body ends on the wire. `feed` takes the bytes that came
 * after the head, calls `piece` with the body bytes among them (views into
 * `bytes`) and returns how many bytes of `bytes` belong to this response;
 * `done` says the body is whole. A body that runs until the connection
 * closes is done only by `closed()`.
 */
export interface BodyFraming {
  readonly done: boolean;
  /** The connection can carry another request once the body is done. */
  readonly reusable: boolean;
  feed(bytes: Buffer, piece: (body: Buffer) => void): number;
  /** The connection closed: true when that ends the body whole. */
  closed(): boolean;
}

const MAX_CHUNK_LINE = 1024;
const MAX_TRAILERS = 64 << 10;
/** 2^48: a chunk larger than any file the Hub lists; more hex digits are a hostile number. */
const MAX_CHUNK_HEX_DIGITS = 12;

function protocol(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

function lengthFraming(length: number): BodyFraming {
  let left = length;
  return {
    get done() {
      return left === 0;
    },
    reusable: true,
    feed(bytes, piece) {
      const take = Math.min(left, bytes.byteLength);
      if (take > 0) piece(bytes.subarray(0, take));
      left -= take;
      return take;
    },
    closed: () => left === 0,
  };
}

function untilCloseFraming(): BodyFraming {
  let done = false;
  return {
    get done() {
      return done;
    },
    reusable: false,
    feed(bytes, piece) {
      if (bytes.byteLength > 0) piece(bytes);
      return bytes.byteLength;
    },
    closed: () => (done = true),
  };
}

/**
 * `Transfer-Encoding: chunked`, decoded as bytes arrive (a size line, data,
 * CRLF, ..., a zero size, trailers, a blank line), every line bounded.
 */
function chunkedFraming(): BodyFraming {
  type State = "size" | "data" | "data-end" | "trailers" | "done";
  let state: State = "size";
  let line = "";
  let left = 0;
  let trailerBytes = 0;

  /** Appends up to a LF to `line`; the bytes consumed, or -1 when the line is not complete yet. */
  const readLine = (bytes: Buffer, at: number, limit: number): number => {
    const lf = bytes.indexOf(0x0a, at);
    const stop = lf < 0 ? bytes.byteLength : lf + 1;
    line += bytes.toString("latin1", at, stop);
    if (line.length > limit) throw protocol("the server sent a malformed chunked body (a line too long)");
    if (lf < 0) return -1;
    if (!line.endsWith("\r\n")) throw protocol("the server sent a malformed chunked body (a bare line feed)");
    return stop - at;
  };

  return {
    get done() {
      return state === "done";
    },
    reusable: true,
    feed(bytes, piece) {
      let at = 0;
      while (at < bytes.byteLength && state !== "done") {
        if (state === "data") {
          const take = Math.min(left, bytes.byteLength - at);
          piece(bytes.subarray(at, at + take));
          at += take;
          left -= take;
          if (left === 0) state = "data-end";
          continue;
        }
        const used = readLine(bytes, at, state === "trailers" ? MAX_TRAILERS : MAX_CHUNK_LINE);
        if (used < 0) return bytes.byteLength;
        at += used;
        const text = line.slice(0, -2);
        line = "";
        if (state === "data-end") {
          if (text !== "") throw protocol("the server sent a malformed chunked body (data longer than its chunk size)");
          state = "size";
        } else if (state === "size") {
          const hex = text.split(";", 1)[0]?.trim() ?? "";
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.replace(/^0+(?=.)/, "").length > MAX_CHUNK_HEX_DIGITS) {
            throw protocol("the server sent a malformed chunked body (a bad chunk size)");
          }
          left = Number.parseInt(hex, 16);
          state = left === 0 ? "trailers" : "data";
        } else {
          trailerBytes += used;
          if (trailerBytes > MAX_TRAILERS) throw protocol("the server sent a malformed chunked body (trailers too long)");
          if (text === "") state = "done";
        }
      }
      return at;
    },
    closed: () => false,
  };
}

/**
 * How the body of `head` (the answer to a GET) is delimited, as RFC 9112
 * section 6.3 says: no body for 204 and 304, chunked when Transfer-Encoding
 * ends with it (the connection is then not reused if a Content-Length came
 * too), else Content-Length (every copy the same), else until the server
 * closes.
 */
export function bodyFraming(head: ResponseHead): BodyFraming {
  if (head.status === 204 || head.status === 304) return lengthFraming(0);
  const transfer = headerValue(head, "transfer-encoding");
  if (transfer !== null) {
    const codings = transfer.toLowerCase().split(",").map((coding) => coding.trim());
    if (codings.at(-1) !== "chunked") throw protocol("the server sent a body in a transfer coding other than chunked");
    const framing = chunkedFraming();
    return head.headers.has("content-length") ? withoutReuse(framing) : framing;
  }
  const lengths = head.headers.get("content-length");
  if (lengths) {
    const values = new Set(lengths.flatMap((value) => value.split(",").map((part) => part.trim())));
    const [only] = values;
    if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) throw protocol("the server sent an invalid Content-Length");
    return lengthFraming(Number(only));
  }
  return untilCloseFraming();
}

function withoutReuse(framing: BodyFraming): BodyFraming {
  return {
    get done() {
      return framing.done;
    },
    reusable: false,
    feed: (bytes, piece) => framing.feed(bytes, piece),
    closed: () => framing.closed(),
  };
}
