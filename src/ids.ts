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
