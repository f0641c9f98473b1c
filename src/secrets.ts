import { base64url, fromBase64url } from "./encoding";
import { randomBase62 } from "./ids";

/**
 * Cloudflare's deployed runtime caps PBKDF2 at 100,000 iterations (a higher count is refused with NotSupportedError;
 * local workerd no longer enforces it, see test/admin/users.test.ts), so that is
 * the count used; the stored format records algorithm, iterations and salt so the count can be raised later:
 *   pbkdf2-sha256$<iterations>$<salt>$<hash>
 */
export const PBKDF2_ITERATIONS = 100_000;

async function derive(secret: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(secret, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${base64url(salt)}$${base64url(hash)}`;
}

/** Constant-time check of a secret against its stored hash; a malformed stored value never matches. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [alg, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  if (alg !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS || !salt || !hash) {
    return false;
  }
  const expected = fromBase64url(hash);
  const actual = await derive(secret, fromBase64url(salt), iterations);
  return expected.byteLength === actual.byteLength && crypto.subtle.timingSafeEqual(expected, actual);
}

/** A client secret as Okta issues them: 64 characters of base62 (~380 bits). */
export const generateClientSecret = () => randomBase62(64);
