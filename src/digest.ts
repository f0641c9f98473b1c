const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const utf8 = new TextEncoder();

/** Hex SHA-256 of a string: how codes, refresh tokens, API tokens and verified secrets are looked up. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(text)));
  let out = "";
  for (const b of digest) out += HEX[b]!;
  return out;
}

/** Constant-time comparison of two strings of any length (length is not secret here: both are digests). */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  if (ea.byteLength !== eb.byteLength) return false;
  return crypto.subtle.timingSafeEqual(ea, eb);
}
