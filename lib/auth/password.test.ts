import { describe, expect, it } from "vitest";
import { hashPassword, verifyNothing, verifyPassword } from "./password";

describe("password hashing", () => {
  it("stores scrypt with its cost and a per-hash salt, and verifies only the right password", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse battery"), hashPassword("correct horse battery")]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterz", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
    await expect(verifyPassword("x", "md5$abc")).rejects.toMatchObject({ code: "invalid_password_hash" });
    // An absurd cost in a tampered hash is refused, not run.
    await expect(verifyPassword("x", a.replace("$32768$", "$1073741824$"))).rejects.toMatchObject({ code: "invalid_password_hash" });
  });

  it("spends about the same time on an unknown account as on a wrong password", async () => {
    const stored = await hashPassword("a password here");
    await verifyNothing("warm up");
    const time = async (f: () => Promise<unknown>) => {
      const start = performance.now();
      await f();
      return performance.now() - start;
    };
    const wrong = await time(() => verifyPassword("guess", stored));
    const unknown = await time(() => verifyNothing("guess"));
    expect(unknown).toBeGreaterThan(wrong / 4);
  });
});
