import { base64url, fromBase64url } from "./encoding";

const encoder = new TextEncoder();
// Settled keys only: no pending promise is shared between requests (see isolate-cache.ts).
const keys = new Map<string, CryptoKey>();

/**
 * AES-256-GCM key for one purpose, derived with HKDF-SHA-256 (RFC 5869) from KEY_ENCRYPTION_SECRET. The
 * purpose (e.g. a server id) is the HKDF info, so what is sealed for one purpose cannot be opened for another.
 */
async function sealingKey(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  const known = keys.get(cacheKey);
  if (known) return known;
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("mintgate/seal/v1"), info: encoder.encode(purpose) },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  if (keys.size > 1000) keys.clear();
  keys.set(cacheKey, key);
  return key;
}

/** Encrypts text at rest; `aad` (e.g. a kid) is authenticated, so a sealed value cannot be moved to another record. */
export async function seal(secret: string, purpose: string, aad: string, text: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    await sealingKey(secret, purpose),
    encoder.encode(text),
  );
  return `${base64url(iv)}.${base64url(ciphertext)}`;
}

/**
 * Opens a sealed value. `secret` may list the current secret and then KEY_ENCRYPTION_SECRET_PREVIOUS: a value the
 * current one cannot open (AES-GCM authentication fails) is tried with the previous one, so a rotated secret breaks
 * nothing while values are re-sealed (README, Security: rotating KEY_ENCRYPTION_SECRET).
 */
export async function unseal(secret: string | readonly string[], purpose: string, aad: string, sealed: string): Promise<string> {
  const secrets = typeof secret === "string" ? [secret] : secret;
  for (let i = 0; i < secrets.length - 1; i++) {
    try {
      return await unsealWith(secrets[i]!, purpose, aad, sealed);
    } catch (err) {
      // Only a failed authentication means "sealed under another secret"; anything else is not ours to hide.
      if (!(err instanceof DOMException)) throw err;
    }
  }
  return unsealWith(secrets[secrets.length - 1]!, purpose, aad, sealed);
}

async function unsealWith(secret: string, purpose: string, aad: string, sealed: string): Promise<string> {
  const [iv, ciphertext] = sealed.split(".");
  if (!iv || !ciphertext) throw new Error("malformed sealed value");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv), additionalData: encoder.encode(aad) },
    await sealingKey(secret, purpose),
    fromBase64url(ciphertext),
  );
  return new TextDecoder().decode(plain);
}
