import { describe, expect, it } from "vitest";
import { rankFailure } from "./rank-failure";

describe("rankFailure", () => {
  it("names the rank a signal killed, even when a rank that only lost its peer failed first in the log", () => {
    const lines = ["RuntimeError: [ring] connection to a peer was lost", "[WARN] Node with rank 0 exited with code 1", "[WARN] Node with rank 1 exited with code -9"];
    expect(rankFailure(lines)).toEqual({ rank: 1, code: -9 });
  });

  it("prefers what rank 0 says, then the first failure, and finds nothing in a clean log", () => {
    expect(rankFailure(["[whet] rank 2 of the group left (connection closed)", "[WARN] Node with rank 0 exited with code 1"])).toEqual({ rank: 2, code: null });
    expect(rankFailure(["[WARN] Node with rank 2 exited with code 3", "[WARN] Node with rank 1 exited with code 1"])).toEqual({ rank: 2, code: 3 });
    expect(rankFailure(["[WARN] Node with rank 0 exited with code 0"])).toBeNull();
  });
});
