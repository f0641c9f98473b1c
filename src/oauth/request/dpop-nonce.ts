import { config, type Env } from "../../env";
import { base64url } from "../../encoding";

/**
 * RFC 9449 8 server nonces, stateless: the nonce of a period is an HMAC of the period number under the deployment
 * secret, so any isolate can issue and check one without storage. A nonce is accepted during its period and the
 * next (5 to 10 minutes); the value of a period is computed once per isolate.
 */
const PERIOD_MS = 5 * 60 * 1000;
const keys = new WeakMap<Env, CryptoKey>();
const values = new Map<string, string>();

async function nonceOf(env: Env, period: number): Promise<string> {
  const cacheKey = `${period}`;
  const known = values.get(cacheKey);
  if (known !== undefined && keys.has(env)) return known;
  let key = keys.get(env);
  if (!key) {
    const secret = new TextEncoder().encode(`dpop-nonce:${config(env).KEY_ENCRYPTION_SECRET}`);
    key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(env, key);
    values.clear();
  }
  const value = base64url(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(cacheKey))).slice(0, 32);
  if (values.size > 4) values.clear();
  values.set(cacheKey, value);
  return value;
}

/** The nonce to hand out now (DPoP-Nonce response header). */
export const currentDpopNonce = (env: Env, now: number) => nonceOf(env, Math.floor(now / PERIOD_MS));

/** Whether a proof's nonce is one this server handed out in this period or the last. */
export async function isValidDpopNonce(env: Env, nonce: string, now: number): Promise<boolean> {
  const period = Math.floor(now / PERIOD_MS);
  return nonce === (await nonceOf(env, period)) || nonce === (await nonceOf(env, period - 1));
}
