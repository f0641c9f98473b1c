import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { seal, unseal } from "../seal";

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

/** Private signing keys are sealed per server: the server id is the sealing purpose, the kid the AAD. */
export async function sealPrivateKey(secret: string, serverId: string, kid: string, jwk: JWK): Promise<string> {
  return seal(secret, `signing-key:${serverId}`, kid, JSON.stringify(jwk));
}

export async function openPrivateKey(secret: string, serverId: string, kid: string, sealed: string): Promise<JWK> {
  return JSON.parse(await unseal(secret, `signing-key:${serverId}`, kid, sealed)) as JWK;
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
