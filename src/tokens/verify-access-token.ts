import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from "jose";
import type { Env } from "../env";
import { SIGNING_ALGS } from "../keys/crypto";
import { cachedKeys, forgetKeys, type CachedKeys } from "../cache/keys";
import { isRevoked } from "../store/revocations";
import { getUser } from "../store/users";
import { cachedClient } from "../cache/clients";
import { accessTokenKeyStore } from "./org-server";
import type { ServerBundle } from "../cache/server-bundle";

const UNKNOWN_KID_REFRESH_MS = 5_000;

/** jose's verdict on the token: its claims, null when jose rejects it, "unknown-kid" when no published key matches. */
async function verified(token: string, keys: CachedKeys["verifier"], options: JWTVerifyOptions): Promise<JWTPayload | null | "unknown-kid"> {
  try {
    return (await jwtVerify(token, keys, options)).payload;
  } catch (err) {
    // Only jose's errors say something about the token; anything else is ours and reaches the handler.
    if (!(err instanceof joseErrors.JOSEError)) throw err;
    return err instanceof joseErrors.JWKSNoMatchingKey ? "unknown-kid" : null;
  }
}

/**
 * Whether `token` is a live access token of this server: signed by one of its published keys, issued by its
 * issuer for its audience, unexpired, and not revoked. A token of another server fails on the signature and
 * the issuer alike ("tokens never cross servers"). Returns the claims, or null; a storage or Durable Object
 * failure is thrown, never read as "invalid".
 */
export async function verifyAccessToken(env: Env, bundle: ServerBundle, issuer: string, token: string, now: number): Promise<JWTPayload | null> {
  const serverId = bundle.server.id;
  const keyStoreId = accessTokenKeyStore(serverId);
  const options = { issuer, audience: bundle.server.audiences[0]!, algorithms: [...SIGNING_ALGS], currentDate: new Date(now), requiredClaims: ["jti", "exp", "iat", "cid"] };
  // The key snapshot is read outside any catch: a Durable Object failure is an outage, not an invalid token.
  const keys = await cachedKeys(env, keyStoreId, now);
  let payload = await verified(token, keys.verifier, options);
  if (payload === "unknown-kid") {
    // A key this isolate has not seen yet may have been published since its snapshot: look once more, but at
    // most once per few seconds, so tokens with made-up kids cannot drive traffic to the Durable Object.
    if (keys.loadedAt > now - UNKNOWN_KID_REFRESH_MS) return null;
    forgetKeys(keyStoreId);
    payload = await verified(token, (await cachedKeys(env, keyStoreId, now)).verifier, options);
  }
  if (payload === null || payload === "unknown-kid") return null;
  if (typeof payload.jti !== "string" || !payload.jti.startsWith("AT.")) return null;
  // Okta: a client's tokens die when it is deactivated or deleted, and stay dead if it is activated again.
  const client = await cachedClient(env, String(payload.cid), now);
  if (!client || client.status !== "ACTIVE" || (client.tokensNotBefore !== null && payload.iat! <= client.tokensNotBefore)) return null;
  if (await isRevoked(env.DB, serverId, payload.jti)) return null;
  // Okta: a person's tokens die with the person's deactivation, suspension or deletion.
  if (typeof payload.uid === "string" && (await getUser(env.DB, payload.uid))?.status !== "ACTIVE") return null;
  return payload;
}
