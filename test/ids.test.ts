import { describe, expect, it } from "vitest";
import { base64url, fromBase64url } from "../src/encoding";
import { randomToken } from "../src/ids";
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
