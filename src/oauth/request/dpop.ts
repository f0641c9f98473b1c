import {
  calculateJwkThumbprint,
  EmbeddedJWK,
  errors as joseErrors,
  jwtVerify,
  type FlattenedJWSInput,
  type JWK,
  type JWSHeaderParameters,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from "jose";
import { epochSeconds } from "../../clock";
import type { Env } from "../../env";
import { DPOP_ALGS, OAuthError } from "../../errors";
import { base64url } from "../../encoding";
import { recordDpopProof } from "../../store/dpop-proofs";
import { currentDpopNonce, isValidDpopNonce } from "./dpop-nonce";

/** RFC 9449 11.1: how old a proof may be (by its iat), and how far ahead of this server's clock. */
export const DPOP_MAX_AGE_SECONDS = 300;
export const DPOP_MAX_SKEW_SECONDS = 60;

// A client sends the same key with every proof: the imported key and its thumbprint are kept per isolate, keyed by
// the exact alg and jwk (the same input always gives the same key), so a warm isolate pays the signature check only.
const importedKeys = new Map<string, { key: CryptoKey | Uint8Array; jkt: string }>();
const MAX_IMPORTED_KEYS = 1000;

async function embeddedKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey | Uint8Array> {
  const id = `${String(header.alg)} ${JSON.stringify(header.jwk)}`;
  const known = importedKeys.get(id);
  if (known) return known.key;
  // jose's EmbeddedJWK checks the jwk (an object, public, use and alg consistent) and imports it.
  const key = await EmbeddedJWK(header, token);
  const jkt = await calculateJwkThumbprint(header.jwk as JWK, "sha256");
  if (importedKeys.size >= MAX_IMPORTED_KEYS) importedKeys.clear();
  importedKeys.set(id, { key, jkt });
  return key;
}

async function thumbprintOf(header: ProtectedHeaderParameters): Promise<string> {
  return importedKeys.get(`${String(header.alg)} ${JSON.stringify(header.jwk)}`)?.jkt ?? calculateJwkThumbprint(header.jwk as JWK, "sha256");
}

export interface DpopExpectation {
  /** The request's method and the URLs its htu may name (as invoked, and as the issuer names the endpoint). */
  method: string;
  urls: string[];
  /** RFC 9449 7: at a protected resource, the access token the proof must hash (ath). */
  accessToken?: string;
  /** Okta: the token endpoint always requires a server nonce; a resource checks one only when sent. */
  requireNonce: boolean;
  /** "dpop" at a protected resource: errors are 401 DPoP challenges (RFC 9449 7.1). */
  challenge?: "dpop";
}

/** The URL as htu compares it (RFC 9449 4.3: no query or fragment; scheme and host normalised). */
function htuOf(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const u = new URL(value);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

async function sha256B64u(text: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Checks the request's DPoP proof (RFC 9449 4.3) and returns its key's thumbprint (jkt, RFC 7638), or null when
 * the request carries none. In order: one header; a JWT with typ dpop+jwt, an asymmetric alg, an embedded public
 * jwk and a valid signature; htm and htu of this request; iat within the window; ath when a token is presented;
 * the server nonce; and last, the jti recorded once (so a refused proof writes nothing).
 */
export async function verifyDpopProof(env: Env, req: Request, expect: DpopExpectation, now: number): Promise<string | null> {
  const header = req.headers.get("DPoP");
  if (header === null) return null;
  const invalid = (description: string) => new OAuthError("invalid_dpop_proof", description, expect.challenge);
  // Headers.get joins repeated headers with ", ", which a compact JWS never contains.
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(header)) throw invalid("The DPoP proof must be one compact JWT.");
  let payload: JWTPayload;
  let protectedHeader: ProtectedHeaderParameters;
  try {
    ({ payload, protectedHeader } = await jwtVerify(header, embeddedKey, { typ: "dpop+jwt", algorithms: [...DPOP_ALGS], currentDate: new Date(now) }));
  } catch (err) {
    if (!(err instanceof joseErrors.JOSEError)) throw err;
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "typ") throw invalid("The DPoP proof's typ must be 'dpop+jwt'.");
    if (err instanceof joseErrors.JOSEAlgNotAllowed) throw invalid(`The DPoP proof must be signed with one of: ${DPOP_ALGS.join(", ")}.`);
    throw invalid("The DPoP proof's signature, jwk or claims are invalid.");
  }
  const { htm, htu, iat, jti, ath, nonce } = payload as Record<string, unknown>;
  if (typeof jti !== "string" || !jti || jti.length > 256) throw invalid("The DPoP proof must have a jti claim.");
  if (htm !== expect.method) throw invalid("The DPoP proof's htm does not match the request method.");
  const allowed = expect.urls.map(htuOf);
  if (typeof htu !== "string" || !allowed.includes(htuOf(htu))) throw invalid("The DPoP proof's htu does not match the request URL.");
  const nowSeconds = epochSeconds(now);
  if (typeof iat !== "number" || iat < nowSeconds - DPOP_MAX_AGE_SECONDS || iat > nowSeconds + DPOP_MAX_SKEW_SECONDS) {
    throw invalid("The DPoP proof's iat is outside the acceptable window.");
  }
  if (expect.accessToken !== undefined && ath !== (await sha256B64u(expect.accessToken))) {
    throw invalid("The DPoP proof's ath does not match the access token.");
  }
  if (expect.requireNonce || nonce !== undefined) {
    const fresh = { "DPoP-Nonce": await currentDpopNonce(env, now) };
    // RFC 9449 8: use_dpop_nonce, with the nonce to use in DPoP-Nonce (Okta's wording for a missing one).
    if (nonce === undefined) throw new OAuthError("use_dpop_nonce", "Authorization server requires nonce in DPoP proof.", expect.challenge, fresh);
    if (typeof nonce !== "string" || !(await isValidDpopNonce(env, nonce, now))) {
      throw new OAuthError("use_dpop_nonce", "The DPoP proof's nonce is invalid or has expired.", expect.challenge, fresh);
    }
  }
  const jkt = await thumbprintOf(protectedHeader);
  // RFC 9449 11.1: a jti once within the window that could accept the proof.
  if (!(await recordDpopProof(env.DB, jkt, jti, iat + DPOP_MAX_AGE_SECONDS + DPOP_MAX_SKEW_SECONDS, nowSeconds))) {
    throw invalid("The DPoP proof has already been used.");
  }
  return jkt;
}
