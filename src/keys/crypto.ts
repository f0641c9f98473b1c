import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { z } from "zod";
import { seal, unseal } from "../seal";
import { parseStored } from "../store/stored-json";

/** RS256 is the default, as Okta's; ES256 (RFC 7518 3.4) and EdDSA with Ed25519 (RFC 8037) are options. */
export const SIGNING_ALGS = ["RS256", "ES256", "EdDSA"] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** The public half as it is published in JWKS (RFC 7517), with Okta's fields. */
export interface PublicJwk {
  kty: "RSA" | "EC" | "OKP";
  alg: SigningAlg;
  kid: string;
  use: "sig";
  /** RSA */
  e?: string;
  n?: string;
  /** EC (P-256) and OKP (Ed25519) */
  crv?: string;
  x?: string;
  y?: string;
}

/** A stored public JWK (the KeyStore's keys.public_jwk), checked when the Durable Object loads it. */
export const PublicJwkSchema = z.object({
  kty: z.enum(["RSA", "EC", "OKP"]),
  alg: z.enum(SIGNING_ALGS),
  kid: z.string().min(1),
  use: z.literal("sig"),
  e: z.string().optional(),
  n: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});

// An unsealed private JWK: whatever jose exported, but at least a key type and the private member.
const PrivateJwkSchema = z.looseObject({ kty: z.enum(["RSA", "EC", "OKP"]), d: z.string() });

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
  return parseStored(PrivateJwkSchema, await unseal(secret, `signing-key:${serverId}`, kid, sealed), `private signing key ${kid} of ${serverId}`);
}

/**
 * A fresh key pair: RSA 2048-bit for RS256 (as Okta), P-256 for ES256, Ed25519 for EdDSA. kid is the RFC 7638
 * thumbprint, 43 characters like Okta's.
 */
export async function generateSigningKey(secret: string, serverId: string, alg: SigningAlg = "RS256"): Promise<GeneratedKey> {
  const { publicKey, privateKey } =
    alg === "EdDSA"
      ? await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })
      : await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, "sha256");
  const publicJwk: PublicJwk =
    pub.kty === "RSA"
      ? { kty: "RSA", alg, kid, use: "sig", e: pub.e!, n: pub.n! }
      : pub.kty === "EC"
        ? { kty: "EC", alg, kid, use: "sig", crv: pub.crv!, x: pub.x!, y: pub.y! }
        : { kty: "OKP", alg, kid, use: "sig", crv: pub.crv!, x: pub.x! };
  const sealed = await sealPrivateKey(secret, serverId, kid, await exportJWK(privateKey));
  return { kid, publicJwk, sealed };
}

export async function importSigningKey(jwk: JWK, alg: SigningAlg): Promise<CryptoKey> {
  return (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
}
