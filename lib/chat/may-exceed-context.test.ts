import { describe, expect, it } from "vitest";
import { mayExceedContext } from "./may-exceed-context";

describe("mayExceedContext", () => {
  it("clears a short conversation without a tokenizer and flags one whose bytes could fill the context", () => {
    expect(mayExceedContext(["You are terse.", "Hello there"], 2048)).toBe(false);
    expect(mayExceedContext(["word ".repeat(500)], 2048)).toBe(true);
    // Four bytes a character: an emoji-heavy message is flagged long before its character count would say so.
    expect(mayExceedContext(["🙂".repeat(480)], 2048)).toBe(true);
    expect(mayExceedContext(["x".repeat(480)], 2048)).toBe(false);
  });
});
