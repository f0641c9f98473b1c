import { describe, expect, it } from "vitest";
import { base64url, fromBase64url } from "../src/encoding";
import { randomToken, uuidV7 } from "../src/ids";
import { requestOrigin, withoutQuery } from "../src/issuer";

const reference = (u8: Uint8Array) => btoa(String.fromCharCode(...u8)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("base64url (RFC 4648 section 5, unpadded)", () => {
  it.each(Array.from({ length: 41 }, (_, n) => n))("encodes %i random bytes exactly as the padded alphabet would, and decodes back", (n) => {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    expect(base64url(bytes)).toBe(reference(bytes));
    expect([...fromBase64url(base64url(bytes))]).toEqual([...bytes]);
  });

  it("maps the bytes that need - and _ in place of + and /", () => {
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
  });

  it("makes 43-character random tokens from 256 bits", () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
  });
});

describe("time-ordered UUIDs (RFC 9562 version 7)", () => {
  it("are valid version 7 UUIDs whose text carries the millisecond and sorts by it", () => {
    const a = uuidV7(Date.UTC(2026, 11, 7, 12, 0, 0, 1));
    const b = uuidV7(Date.UTC(2026, 11, 7, 12, 0, 0, 2));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(a.slice(0, 8) + a.slice(9, 13), 16)).toBe(Date.UTC(2026, 11, 7, 12, 0, 0, 1));
    expect(a < b).toBe(true);
    expect(uuidV7(0)).not.toBe(uuidV7(0));
  });

  it("stay distinct and well-formed across refills of their random pool (4 KB, 10 bytes a UUID)", () => {
    const many = Array.from({ length: 1000 }, () => uuidV7(Date.UTC(2026, 11, 7)));
    expect(new Set(many).size).toBe(1000);
    for (const u of many) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The random part is not a counter: about half of its last bits are set.
    const ones = many.filter((u) => parseInt(u.at(-1)!, 16) & 1).length;
    expect(ones).toBeGreaterThan(400);
    expect(ones).toBeLessThan(600);
  });
});

describe("request URL slicing", () => {
  it.each([
    ["http://127.0.0.1:8787/oauth2/default/v1/keys?x=1", "http://127.0.0.1:8787", "http://127.0.0.1:8787/oauth2/default/v1/keys"],
    ["https://id.example.com/.well-known/openid-configuration", "https://id.example.com", "https://id.example.com/.well-known/openid-configuration"],
    ["https://id.example.com/a#frag", "https://id.example.com", "https://id.example.com/a"],
    ["https://[::1]:9000/oauth2/v1/token", "https://[::1]:9000", "https://[::1]:9000/oauth2/v1/token"],
  ])("%s has the origin and path URL would give", (url, origin, path) => {
    expect(requestOrigin(url)).toBe(origin);
    expect(requestOrigin(url)).toBe(new URL(url).origin);
    expect(withoutQuery(url)).toBe(path);
  });
});
