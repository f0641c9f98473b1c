import { epochSeconds } from "../../clock";
import type { Env } from "../../env";
import { base64url } from "../../encoding";
import { randomToken } from "../../ids";
import { cachedKeys } from "../../cache/keys";
import { signJwt } from "./jwt";

/** Okta: ID tokens of custom servers live 60 minutes and cannot be configured. */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;
/** Okta reports its org id as the idp of ID tokens for people it signed in itself. */
export const ORG_IDP = "00omintgate000000000";

/** OIDC Core 3.3.2.11: the left half of the SHA-256 of the ASCII value, base64url-encoded (at_hash, c_hash). */
export async function halfHash(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return base64url(digest.slice(0, digest.length / 2));
}

export interface IdTokenInput {
  iss: string;
  clientId: string;
  userId: string;
  authTime: number;
  amr: string[];
  nonce?: string;
  accessToken?: string;
  code?: string;
  claims: Record<string, unknown>;
  /** A token inline hook may change the lifetime (Okta: 5 minutes to 1 day). */
  lifetimeSeconds?: number;
}

/** An ID token (OIDC Core 2) with Okta's claims: ver, jti "ID.…", amr, idp, auth_time, at_hash / c_hash. */
export async function mintIdToken(env: Env, serverId: string, t: IdTokenInput, now: number): Promise<string> {
  const signer = await (await cachedKeys(env, serverId, now)).signer();
  const iat = epochSeconds(now);
  const payload = {
    sub: t.userId,
    ...t.claims,
    ver: 1,
    iss: t.iss,
    aud: t.clientId,
    iat,
    exp: iat + (t.lifetimeSeconds ?? ID_TOKEN_LIFETIME_SECONDS),
    jti: `ID.${randomToken()}`,
    amr: t.amr,
    idp: ORG_IDP,
    ...(t.nonce ? { nonce: t.nonce } : {}),
    auth_time: t.authTime,
    ...(t.accessToken ? { at_hash: await halfHash(t.accessToken) } : {}),
    ...(t.code ? { c_hash: await halfHash(t.code) } : {}),
  };
  return signJwt({ kid: signer.kid, alg: signer.alg }, payload, signer.key);
}
