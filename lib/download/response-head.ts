import { TransferError } from "./transfer-error";

/** The most a response's status line and headers may take: a server that sends more is not answering a file request. */
export const MAX_HEAD_BYTES = 64 << 10;
const MAX_HEADERS = 256;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n\0]*?)[ \t]*$/;
const END = Buffer.from("\r\n\r\n");

export interface ResponseHead {
  status: number;
  /** An HTTP/1.0 answer: its connection is not kept. */
  http10: boolean;
  /** Header values by lower-case name, in the order they came. */
  headers: Map<string, string[]>;
  /** Bytes the head took, the blank line included. */
  length: number;
}

function protocol(message: string): TransferError {
  return new TransferError("protocol", message, { retryable: false });
}

/**
 * Parses an HTTP/1.x response head from the start of `bytes`: null while the
 * blank line that ends it has not arrived. A head past MAX_HEAD_BYTES, a
 * status line that is not HTTP/1.x, a malformed header line or too many
 * headers is a protocol error (its bytes are never quoted: they are a
 * stranger's).
 */
export function parseResponseHead(bytes: Buffer): ResponseHead | null {
  const end = bytes.indexOf(END);
  if (end < 0) {
    if (bytes.byteLength > MAX_HEAD_BYTES) throw protocol(`the server's response headers are longer than ${MAX_HEAD_BYTES >> 10} KiB`);
    return null;
  }
  if (end + END.byteLength > MAX_HEAD_BYTES) throw protocol(`the server's response headers are longer than ${MAX_HEAD_BYTES >> 10} KiB`);
  const lines = bytes.toString("latin1", 0, end).split("\r\n");
  const status = STATUS_LINE.exec(lines[0] ?? "");
  if (!status) throw protocol("the server's answer does not start with an HTTP/1.1 status line");
  if (lines.length - 1 > MAX_HEADERS) throw protocol(`the server sent more than ${MAX_HEADERS} response headers`);
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const header = HEADER_LINE.exec(line);
    if (!header) throw protocol("the server sent a malformed response header");
    const name = (header[1] as string).toLowerCase();
    const values = headers.get(name);
    if (values) values.push(header[2] as string);
    else headers.set(name, [header[2] as string]);
  }
  return { status: Number(status[2]), http10: status[1] === "0", headers, length: end + END.byteLength };
}

/** One header's value as fetch gives it: repeated values joined by ", ". */
export function headerValue(head: ResponseHead, name: string): string | null {
  return head.headers.get(name.toLowerCase())?.join(", ") ?? null;
}
