import { describe, expect, it } from "vitest";
import { toWhetError, WhetError } from "./errors";

describe("WhetError", () => {
  it("is recognised when another copy of the module made it, as Next's separate bundles do", async () => {
    // The query makes Vite load a second, separate instance of the module; TypeScript knows no such file.
    // @ts-expect-error: a module specifier with a query
    const copy = (await import("./errors?second-copy")) as typeof import("./errors");
    expect(copy.WhetError).not.toBe(WhetError);
    const error = new copy.WhetError("workspace_exists", "A workspace called b already exists", "Choose another name.", { field: "to" });
    expect(error instanceof WhetError).toBe(true);
    expect(toWhetError(error)).toBe(error);
    expect(new Error("plain") instanceof WhetError).toBe(false);
    expect(toWhetError(new Error("plain")).code).toBe("internal_error");
  });
});
