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

/**
 * Random bytes for uuidV7, drawn from the CSPRNG 4 KB at a time, each byte used once: one typed array and one
 * native call per event were a visible part of the System Log's cost per request (issue 13).
 */
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

export function uuidV7(nowMs: number): string {
  if (poolAt + 10 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 10;
  // The 48-bit millisecond time, big-endian: its top 32 bits, then (>>> takes the low 32) its low 16.
  const high = Math.floor(nowMs / 0x10000);
  // By table: it runs once per System Log event on the request path (issue 13's cost budget).
  return (
    HEX[high >>> 24]! +
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    "-" +
    HEX[(nowMs >>> 8) & 0xff]! +
    HEX[nowMs & 0xff]! +
    "-" +
    HEX[0x70 | (POOL[r]! & 0x0f)]! + // version 7
    HEX[POOL[r + 1]!]! +
    "-" +
    HEX[0x80 | (POOL[r + 2]! & 0x3f)]! + // variant 10
    HEX[POOL[r + 3]!]! +
    "-" +
    HEX[POOL[r + 4]!]! +
    HEX[POOL[r + 5]!]! +
    HEX[POOL[r + 6]!]! +
    HEX[POOL[r + 7]!]! +
    HEX[POOL[r + 8]!]! +
    HEX[POOL[r + 9]!]!
  );
}
