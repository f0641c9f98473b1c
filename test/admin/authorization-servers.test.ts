import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";

describe("authorization servers", () => {
  it("lists the pre-configured default server on a fresh start", async () => {
    const res = await admin("/authorizationServers");
    expect(res.status).toBe(200);
    const body = (await res.json()) as any[];
    expect(body.map((s) => s.id)).toContain("default");
  });

  it("creates a server with its own signing key", async () => {
    const s = await createServer();
    expect(s.id).toMatch(/^aus[0-9A-Za-z]{17}$/);
    expect(s.credentials.signing.kid).toHaveLength(43);
  });
});
