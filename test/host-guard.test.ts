import { describe, expect, it, vi } from "vitest";
import { isLocalHost } from "../src/host-guard";
import { requestWith } from "./support/fixtures";

/** Security finding 10: without ORG_URL only hosts that cannot be reached from the Internet are served. */

describe("serving without ORG_URL", () => {
  it.each(["https://mintgate.example.com", "https://mintgate.workers.dev", "http://10.0.0.1", "http://localhost.evil.com"])(
    "refuses %s with a 500 and one log line",
    async (origin) => {
      const log = vi.spyOn(console, "error").mockImplementation(() => {});
      const res = await requestWith({}, `${origin}/.well-known/openid-configuration`);
      expect(res.status).toBe(500);
      expect(((await res.json()) as { errorCode: string }).errorCode).toBe("E0000009");
      expect(log.mock.calls.some((args) => String(args[0]).includes("ORG_URL is not set"))).toBe(true);
      log.mockRestore();
    },
  );

  it.each(["http://localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787", "http://mintgate.test", "http://app.localhost"])("serves %s", async (origin) => {
    expect((await requestWith({}, `${origin}/.well-known/openid-configuration`)).status).toBe(200);
  });

  it("serves any host once ORG_URL is set, with ORG_URL as the issuer", async () => {
    const res = await requestWith({ ORG_URL: "https://id.example.com" }, "https://mintgate.workers.dev/.well-known/openid-configuration");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { issuer: string }).issuer).toBe("https://id.example.com");
  });

  it("knows the local names", () => {
    expect(["localhost", "a.localhost", "x.test", "127.1.2.3", "[::1]"].every(isLocalHost)).toBe(true);
    expect(["example.com", "test.example.com", "127.0.0.1.nip.io", "localhost.com"].some(isLocalHost)).toBe(false);
  });
});
