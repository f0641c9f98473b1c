import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

/** A client's DPoP key pair (RFC 9449) and its thumbprint, the jkt tokens are bound to. */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  jkt: string;
  alg: string;
}

export async function dpopKey(alg: "ES256" | "RS256" | "EdDSA" = "ES256"): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: await calculateJwkThumbprint(publicJwk, "sha256"), alg };
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  nonce?: string;
  /** The access token to hash into ath (RFC 9449 4.2). */
  accessToken?: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
  jti?: string | null;
  typ?: string;
  alg?: string;
  /** The header's jwk; default the public key. */
  jwk?: JWK | null;
}

const b64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A DPoP proof JWT (RFC 9449 4.2) signed with `key`. */
export async function dpopProof(key: DpopKey, o: ProofOptions): Promise<string> {
  const payload: Record<string, unknown> = { htm: o.htm ?? "POST", htu: o.htu, iat: o.iat ?? Math.floor(Date.now() / 1000) };
  if (o.jti !== null) payload.jti = o.jti ?? crypto.randomUUID();
  if (o.nonce !== undefined) payload.nonce = o.nonce;
  if (o.accessToken !== undefined) payload.ath = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(o.accessToken)));
  const header: Record<string, unknown> = { alg: o.alg ?? key.alg, typ: o.typ ?? "dpop+jwt" };
  if (o.jwk !== null) header.jwk = o.jwk ?? key.publicJwk;
  return new SignJWT(payload).setProtectedHeader(header as never).sign(key.privateKey);
}
