import { sha256Hex } from "../../digest";

/**
 * RFC 8628 6.1: user codes from 20 consonants (no vowels, so no words; no digits or look-alikes such as 0/O, 1/I),
 * 8 of them (20^8 ≈ 2.6 × 10^10, about 34 bits) shown as Okta shows them: eight capitals, no hyphen.
 */
export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
export const USER_CODE_LENGTH = 8;

export function newUserCode(): string {
  let out = "";
  while (out.length < USER_CODE_LENGTH) {
    // 240 = 12 × 20: rejection sampling keeps every character uniform.
    for (const b of crypto.getRandomValues(new Uint8Array(16))) if (b < 240 && out.length < USER_CODE_LENGTH) out += USER_CODE_ALPHABET[b % 20];
  }
  return out;
}

/**
 * The user code as typed, normalised (RFC 8628 6.1: case-insensitive, separators ignored), or null when it cannot be
 * one of ours: then nothing is looked up, but it still counts as a wrong guess.
 */
export function normaliseUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const ch of code) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** User codes are stored as digests, as every other code is. */
export const userCodeHash = (code: string) => sha256Hex(`user-code:${code}`);
