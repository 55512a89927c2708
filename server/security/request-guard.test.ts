import { describe, expect, it } from "vitest";
import { checkRequest } from "./request-guard";

const req = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers(headers) });

describe("checkRequest", () => {
  it("lets loopback requests from the app itself through", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "localhost"]) {
      expect(checkRequest(req("GET", { host }))).toBeNull();
      expect(checkRequest(req("POST", { host, origin: `http://${host}` }))).toBeNull();
    }
    expect(checkRequest(req("POST", { host: "127.0.0.1:3000" }))).toBeNull();
  });

  it("refuses a non-loopback Host (DNS rebinding)", () => {
    expect(checkRequest(req("GET", { host: "evil.example:3000" }))?.status).toBe(403);
    expect(checkRequest(req("GET", { host: "127.0.0.1.evil.example" }))?.status).toBe(403);
    expect(checkRequest(req("GET", { host: "192.168.1.5:3000" }))?.status).toBe(403);
    expect(checkRequest(req("GET", {}))?.status).toBe(403);
    // A port no URL parser accepts (issue #10 finding 7).
    expect(checkRequest(req("GET", { host: "localhost:99999" }))?.status).toBe(403);
    expect(checkRequest(req("GET", { host: "localhost:65535" }))).toBeNull();
  });

  it("refuses cross-site GETs to the API, where some GETs have effects", () => {
    const get = req("GET", { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" });
    expect(checkRequest(get, { api: true })?.status).toBe(403);
    expect(checkRequest(get)).toBeNull();
    expect(checkRequest(req("GET", { host: "127.0.0.1:3000", "sec-fetch-site": "same-origin" }), { api: true })).toBeNull();
  });

  it("refuses same-site API requests without this app's Origin: a page on another local port (issue #10 finding 10)", () => {
    const host = "127.0.0.1:3000";
    for (const method of ["GET", "POST"]) {
      expect(checkRequest(req(method, { host, "sec-fetch-site": "same-site" }), { api: true })?.status, method).toBe(403);
      expect(checkRequest(req(method, { host, "sec-fetch-site": "same-site", origin: "http://127.0.0.1:4000" }), { api: true })?.status, method).toBe(403);
    }
    expect(checkRequest(req("POST", { host, "sec-fetch-site": "same-site" }))?.status).toBe(403);
    expect(checkRequest(req("GET", { host, "sec-fetch-site": "same-site" }))).toBeNull();
    expect(checkRequest(req("GET", { host, "sec-fetch-site": "none" }), { api: true })).toBeNull();
  });

  it("allows an opted-in LAN host", () => {
    expect(checkRequest(req("GET", { host: "192.168.1.5:3000" }), { allowedHosts: ["192.168.1.5:3000"] })).toBeNull();
  });

  it("refuses a foreign or null Origin on state-changing requests (CSRF)", () => {
    expect(checkRequest(req("POST", { host: "127.0.0.1:3000", origin: "http://evil.example" }))?.status).toBe(403);
    expect(checkRequest(req("POST", { host: "127.0.0.1:3000", origin: "null" }))?.status).toBe(403);
    expect(checkRequest(req("POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:4000" }))?.status).toBe(403);
    expect(checkRequest(req("DELETE", { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" }))?.status).toBe(403);
  });
});
