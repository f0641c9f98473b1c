import { base64url } from "./encoding";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 string; rejection sampling keeps every character uniform. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/** Okta-like 20-character ids: a three-letter type prefix (aus, 00p, 0pr, scp, 0oa, 00u) and 17 random characters. */
export function newId(prefix: string): string {
  return prefix + randomBase62(20 - prefix.length);
}

/** 256 random bits as 43 base64url characters: token identifiers (jti) on the hot path. */
export const randomToken = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/**
 * A UUID version 7 (RFC 9562 5.7): 48 bits of Unix milliseconds, then random bits. Its text sorts by time, so rows
 * keyed by it (the System Log's uuid) append to their index instead of landing on random pages.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function uuidV7(nowMs: number): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  // The 48-bit millisecond time, big-endian: its top 32 bits, then (>>> takes the low 32) its low 16.
  const high = Math.floor(nowMs / 0x10000);
  b[0] = high >>> 24;
  b[1] = (high >>> 16) & 0xff;
  b[2] = (high >>> 8) & 0xff;
  b[3] = high & 0xff;
  b[4] = (nowMs >>> 8) & 0xff;
  b[5] = nowMs & 0xff;
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 10
  // By table: it runs once per System Log event on the request path (issue 13's cost budget).
  let s = "";
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? "-" : "") + HEX[b[i]!];
  return s;
}
