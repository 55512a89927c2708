import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "./login-throttle";

describe("login throttle", () => {
  it("allows two failures a minute and twelve an hour per address, as code-server does", () => {
    let t = 0;
    const throttle = createLoginThrottle(() => t);
    expect(throttle.wait("10.0.0.5", "ada")).toBe(0);
    throttle.failed("10.0.0.5", "ada");
    expect(throttle.wait("10.0.0.5", "ada")).toBe(0);
    t += 10_000;
    throttle.failed("10.0.0.5", "ada");
    // Refused until the first failure is a minute old.
    expect(throttle.wait("10.0.0.5", "ada")).toBe(50_000);
    t += 50_000;
    expect(throttle.wait("10.0.0.5", "ada")).toBe(0);

    // Two a minute for an hour reach the hourly limit after twelve.
    let failures = 2;
    while (failures < 12) {
      t += 31_000;
      expect(throttle.wait("10.0.0.5", `user${failures}`)).toBe(0);
      throttle.failed("10.0.0.5", `user${failures}`);
      failures++;
    }
    t += 61_000;
    const wait = throttle.wait("10.0.0.5", "someone-else");
    expect(wait).toBeGreaterThan(60_000);
    expect(wait).toBe(3_600_000 - t);
    t += wait;
    expect(throttle.wait("10.0.0.5", "someone-else")).toBe(0);
  });

  it("throttles an account attacked from many addresses, and an address trying many accounts", () => {
    let t = 0;
    const throttle = createLoginThrottle(() => t);
    throttle.failed("10.0.0.1", "ada");
    throttle.failed("10.0.0.2", "ADA");
    expect(throttle.wait("10.0.0.3", "ada")).toBe(60_000);
    throttle.failed("10.0.0.9", "x");
    throttle.failed("10.0.0.9", "y");
    expect(throttle.wait("10.0.0.9", "bob")).toBe(60_000);
    expect(throttle.wait("10.0.0.4", "bob")).toBe(0);
  });
});
