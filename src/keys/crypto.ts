import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { base64url, fromBase64url } from "../ids";

export type SigningAlg = "RS256";

/** The public half as it is published in JWKS (RFC 7517), with Okta's fields. */
export interface PublicJwk {
  kty: string;
  alg: SigningAlg;
  kid: string;
  use: "sig";
  e: string;
  n: string;
}

export interface GeneratedKey {
  kid: string;
  publicJwk: PublicJwk;
  /** The private JWK, encrypted at rest (see sealPrivateKey). */
  sealed: string;
}

const encoder = new TextEncoder();
const wrappingKeys = new Map<string, Promise<CryptoKey>>();

/**
 * AES-256-GCM key that encrypts one server's private keys at rest, derived with HKDF-SHA-256 from
 * KEY_ENCRYPTION_SECRET (RFC 5869). The server id is the HKDF info, so one server's sealed keys cannot
 * be opened as another's.
 */
function wrappingKey(secret: string, serverId: string): Promise<CryptoKey> {
  const cacheKey = `${serverId}\u0000${secret}`;
  let key = wrappingKeys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: encoder.encode("mintgate/signing-key-encryption/v1"), info: encoder.encode(serverId) },
        ikm,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    wrappingKeys.set(cacheKey, key);
  }
  return key;
}

export async function sealPrivateKey(secret: string, serverId: string, kid: string, jwk: JWK): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(kid) },
    await wrappingKey(secret, serverId),
    encoder.encode(JSON.stringify(jwk)),
  );
  return `${base64url(iv)}.${base64url(ciphertext)}`;
}

export async function openPrivateKey(secret: string, serverId: string, kid: string, sealed: string): Promise<JWK> {
  const [iv, ciphertext] = sealed.split(".");
  if (!iv || !ciphertext) throw new Error("malformed sealed key");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv), additionalData: encoder.encode(kid) },
    await wrappingKey(secret, serverId),
    fromBase64url(ciphertext),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as JWK;
}

/** A fresh RS256 key pair (2048-bit, as Okta); kid is the RFC 7638 thumbprint, 43 characters like Okta's. */
export async function generateSigningKey(secret: string, serverId: string): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, "sha256");
  const publicJwk: PublicJwk = { kty: "RSA", alg: "RS256", kid, use: "sig", e: pub.e!, n: pub.n! };
  const sealed = await sealPrivateKey(secret, serverId, kid, await exportJWK(privateKey));
  return { kid, publicJwk, sealed };
}

export async function importSigningKey(jwk: JWK, alg: SigningAlg): Promise<CryptoKey> {
  return (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
}
