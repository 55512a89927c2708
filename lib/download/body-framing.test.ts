import { describe, expect, it } from "vitest";
import { bodyFraming } from "./body-framing";
import { parseResponseHead, type ResponseHead } from "./response-head";

function head(text: string): ResponseHead {
  const parsed = parseResponseHead(Buffer.from(`${text}\r\n\r\n`, "latin1"));
  if (!parsed) throw new Error("incomplete head");
  return parsed;
}

/** Feeds `wire` in pieces of `step` bytes; the body and how many wire bytes belonged to the response. */
function decode(headText: string, wire: string, step: number) {
  const framing = bodyFraming(head(headText));
  const body: Buffer[] = [];
  const bytes = Buffer.from(wire, "latin1");
  let used = 0;
  for (let at = 0; at < bytes.byteLength && !framing.done; at += step) {
    used += framing.feed(bytes.subarray(at, Math.min(bytes.byteLength, at + step)), (piece) => body.push(Buffer.from(piece)));
  }
  return { body: Buffer.concat(body).toString("latin1"), used, done: framing.done, reusable: framing.reusable };
}

describe("response heads", () => {
  it("parses status and headers, repeated ones joined, and waits for the blank line", () => {
    expect(parseResponseHead(Buffer.from("HTTP/1.1 206 Partial Content\r\nContent-Len"))).toBeNull();
    const parsed = head("HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2");
    expect(parsed.status).toBe(206);
    expect(parsed.http10).toBe(false);
    expect(parsed.headers.get("x-a")).toEqual(["1", "2"]);
  });

  it("refuses hostile heads in words, never quoting them", () => {
    const refused = (text: string) => {
      try {
        parseResponseHead(Buffer.from(text, "latin1"));
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refused(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(70_000)}`)).toMatch(/longer than 64 KiB/);
    expect(refused("SSH-2.0-OpenSSH\r\n\r\n")).toBe("the server's answer does not start with an HTTP/1.1 status line");
    expect(refused("HTTP/1.1 200 OK\r\nbad header\u0000\r\n\r\n")).toBe("the server sent a malformed response header");
    expect(refused(`HTTP/1.1 200 OK\r\n${"X: 1\r\n".repeat(300)}\r\n`)).toMatch(/more than 256 response headers/);
  });
});

describe("body framing", () => {
  const chunked = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";

  it("decodes a chunked body however the bytes are cut, and stops at its end", () => {
    for (const step of [1, 2, 3, 7, 1000]) {
      expect(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", `${chunked}EXTRA`, step)).toEqual({ body: "hello world", used: chunked.length, done: true, reusable: true });
    }
  });

  it("reads a body by its length, and one without either to the close, which is then not reused", () => {
    expect(decode("HTTP/1.1 200 OK\r\nContent-Length: 4", "abcdEXTRA", 3)).toEqual({ body: "abcd", used: 4, done: true, reusable: true });
    const untilClose = bodyFraming(head("HTTP/1.0 200 OK"));
    untilClose.feed(Buffer.from("abc"), () => undefined);
    expect([untilClose.done, untilClose.reusable, untilClose.closed(), untilClose.done]).toEqual([false, false, true, true]);
    expect(bodyFraming(head("HTTP/1.1 304 Not Modified\r\nContent-Length: 9")).done).toBe(true);
    // Both framings: chunked wins and the connection is not reused (a smuggling pattern).
    expect(decode("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked", chunked, 4)).toMatchObject({ body: "hello world", reusable: false });
  });

  it("refuses hostile framings: conflicting lengths, huge or malformed chunk sizes, endless lines", () => {
    const refused = (headText: string, wire = "") => {
      try {
        decode(headText, wire, 5);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6")).toBe("the server sent an invalid Content-Length");
    expect(refused("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999")).toBe("the server sent an invalid Content-Length");
    expect(refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip")).toMatch(/transfer coding other than chunked/);
    const te = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked";
    expect(refused(te, "fffffffffffffffff\r\n")).toMatch(/a bad chunk size/);
    expect(refused(te, "-1\r\n")).toMatch(/a bad chunk size/);
    expect(refused(te, `${"0".repeat(2000)}`)).toMatch(/a line too long/);
    expect(refused(te, "3\r\nabcd\r\n")).toMatch(/data longer than its chunk size/);
    expect(refused(te, "3\nabc")).toMatch(/a bare line feed/);
  });
});
