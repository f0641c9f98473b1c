import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { epochSeconds } from "../../clock";
import type { Env } from "../../env";
import { OAuthError } from "../../errors";
import { recordAssertion } from "../../store/assertions";
import type { AppRecord } from "../../store/apps";
import { REQUEST_OBJECT_ALGS } from "../endpoints/served";

// Okta: a request object may be valid for at most one hour.
const MAX_LIFETIME_SECONDS = 3600;
// Claims about the JWT itself, not authorization parameters.
const JWT_CLAIMS = new Set(["iss", "aud", "exp", "iat", "nbf", "jti", "sub"]);

const invalid = (description: string) => new OAuthError("invalid_request_object", description);

/** A claim as the string an authorization parameter is (RFC 9101 4: numbers and objects such as `claims` as JSON). */
function asParam(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * RFC 9101: a request object signed with one of the client's registered keys (settings.oauthClient.jwks), with the
 * algorithms private_key_jwt accepts and never `none`; `iss` the client, `aud` this issuer, `exp` within the hour
 * (Okta), `jti` used once when present (Okta). Returns the authorization parameters the object carries: RFC 9101 5
 * says the server uses those and no others, so the caller replaces the request's parameters with them (only
 * client_id is kept, and it must agree).
 */
export async function requestObjectParams(env: Env, client: AppRecord, jwt: string, issuer: string, now: number): Promise<Map<string, string>> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(jwt).alg;
  } catch {
    throw invalid("The request object is not a valid JWT.");
  }
  if (!alg || !(REQUEST_OBJECT_ALGS as readonly string[]).includes(alg)) {
    throw invalid(`The request object must be signed with one of: ${REQUEST_OBJECT_ALGS.join(", ")}.`);
  }
  if (!client.jwks?.keys.length) throw invalid("The client has no registered keys to verify the request object with.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: client.jwks.keys as never[] }), {
      algorithms: [...REQUEST_OBJECT_ALGS],
      issuer: client.clientId,
      audience: issuer,
      requiredClaims: ["exp"],
      currentDate: new Date(now),
    }));
  } catch (err) {
    // Only jose's verdicts are the client's; anything else reaches the handler.
    if (!(err instanceof joseErrors.JOSEError)) throw err;
    if (err instanceof joseErrors.JWTExpired) throw invalid("The request object has expired.");
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud") throw invalid("The request object's 'aud' must be the issuer.");
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "iss") throw invalid("The request object's 'iss' must be the client_id.");
    throw invalid("The request object's signature or claims are invalid.");
  }
  const nowSeconds = epochSeconds(now);
  if (payload.exp! - nowSeconds > MAX_LIFETIME_SECONDS) throw invalid("The request object's expiration is too far in the future.");
  if (payload.client_id !== undefined && payload.client_id !== client.clientId) throw invalid("The request object's client_id does not match the request.");
  if ("request" in payload || "request_uri" in payload) throw invalid("A request object must not contain 'request' or 'request_uri'.");
  if (payload.jti !== undefined) {
    if (typeof payload.jti !== "string" || !payload.jti || payload.jti.length > 256) throw invalid("The request object's jti is invalid.");
    // Okta: a request object is used once. Recorded beside client assertions under its own prefix.
    if (!(await recordAssertion(env.DB, client.clientId, `request:${payload.jti}`, payload.exp!, nowSeconds))) {
      throw invalid("The request object has already been used.");
    }
  }
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(payload)) {
    if (JWT_CLAIMS.has(name) || value === null || value === undefined || value === "") continue;
    params.set(name, asParam(value));
  }
  params.set("client_id", client.clientId);
  return params;
}
