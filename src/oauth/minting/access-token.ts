import { epochSeconds } from "../../clock";
import type { Env } from "../../env";
import { randomToken } from "../../ids";
import { cachedKeys } from "../../cache/keys";
import { signJwt } from "./jwt";
import { accessTokenKeyStore } from "../../tokens/org-server";

export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  cid: string;
  scp: string[];
  uid?: string;
  auth_time?: number;
  [claim: string]: unknown;
}

export const newAccessTokenId = () => `AT.${randomToken()}`;

export interface MintedToken {
  token: string;
  jti: string;
  exp: number;
  expiresIn: number;
}

/**
 * An access token as Okta's custom servers mint them (JWT, RS256, kid in the header; claims ver, jti "AT.…",
 * iss, aud, iat, exp, cid, uid, scp, sub), signed in this isolate with the server's ACTIVE key from the cached
 * snapshot: no Durable Object or D1 round trip when the cache is warm.
 */
export async function mintAccessToken(
  env: Env,
  serverId: string,
  claims: AccessTokenClaims,
  lifetimeSeconds: number,
  now: number,
  jti = newAccessTokenId(),
): Promise<MintedToken> {
  const signer = await (await cachedKeys(env, accessTokenKeyStore(serverId), now)).signer();
  const iat = epochSeconds(now);
  const exp = iat + lifetimeSeconds;
  const { iss, aud, sub, cid, scp, uid, auth_time, ...custom } = claims;
  // Custom claims first: Okta's own claims always win (custom-claims.ts also refuses reserved names).
  const payload = { ...custom, ver: 1, jti, iss, aud, iat, exp, cid, ...(uid ? { uid } : {}), scp, ...(auth_time ? { auth_time } : {}), sub };
  const token = await signJwt({ kid: signer.kid, alg: signer.alg }, payload, signer.key);
  return { token, jti, exp, expiresIn: lifetimeSeconds };
}

/** The access token's claims as they will be signed, for a token inline hook to see (Okta's data.access.claims). */
export function accessPreview(claims: AccessTokenClaims, lifetimeSeconds: number, now: number, jti: string) {
  const iat = epochSeconds(now);
  return { claims: { ...claims, ver: 1, jti, iat, exp: iat + lifetimeSeconds } as Record<string, unknown>, lifetimeSeconds };
}

/** Back from a hook: the claims mintAccessToken signs (it sets ver, jti, iat and exp itself). */
export function fromPreview(claims: Record<string, unknown>): AccessTokenClaims {
  const { ver: _v, jti: _j, iat: _i, exp: _e, ...rest } = claims;
  return rest as AccessTokenClaims;
}
