import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { epochSeconds } from "../../clock";
import { config, openingSecrets, type Env } from "../../env";
import { OAuthError } from "../../errors";
import { withoutQuery } from "../../issuer";
import { unseal } from "../../seal";
import { recordAssertion } from "../../store/assertions";
import type { AppRecord, TokenEndpointAuthMethod } from "../../store/apps";
import { cachedClient } from "../../cache/clients";
import { clientSecretMatches } from "./secret-check";

/** The URLs a client assertion may name as its audience: the endpoint as invoked, and as the issuer names it. */
export function endpointAudiences(requestUrl: string, issuer: string, endpoint: string): string[] {
  const invoked = withoutQuery(requestUrl);
  const named = `${issuer}/v1/${endpoint}`;
  return invoked === named ? [named] : [invoked, named];
}

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// Okta: a client assertion may be valid for at most one hour.
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

const FAILED = "Client authentication failed. Either the client or the client credentials are invalid.";

interface Presented {
  method: TokenEndpointAuthMethod;
  clientId: string | undefined;
  secret?: string;
  assertion?: string;
  viaBasic: boolean;
}

function invalidClient(description: string, viaBasic: boolean): OAuthError {
  // RFC 6749 5.2: a client that used the Authorization header gets 401 with a matching WWW-Authenticate.
  return new OAuthError("invalid_client", description, viaBasic ? "basic" : undefined);
}

/** Which credentials the request carries. RFC 6749 2.3: a client MUST NOT use more than one method per request. */
function presented(req: Request, params: Map<string, string>): Presented {
  const header = req.headers.get("Authorization");
  const basic = header !== null && /^basic /i.test(header);
  const post = params.has("client_secret");
  const jwt = params.has("client_assertion") || params.has("client_assertion_type");
  if (Number(basic) + Number(post) + Number(jwt) > 1) {
    throw new OAuthError(
      "invalid_request",
      "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
    );
  }
  if (basic) {
    // RFC 6749 2.3.1: client_id and client_secret are form-urlencoded, then joined by ':' and base64-encoded.
    let decoded: string;
    try {
      decoded = atob(header.slice(6).trim());
    } catch {
      throw invalidClient(FAILED, true);
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) {
      // okta-auth-js names a public client this way (Basic base64(client_id), no secret) when it revokes tokens;
      // Okta accepts it, and it authenticates nothing: only a client registered with 'none' passes.
      let id: string;
      try {
        id = decodeURIComponent(decoded.replace(/\+/g, " "));
      } catch {
        throw invalidClient(FAILED, true);
      }
      const bodyId = params.get("client_id");
      if (bodyId !== undefined && bodyId !== id) throw invalidClient(FAILED, true);
      return { method: "none", clientId: id, viaBasic: true };
    }
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
    } catch {
      throw invalidClient(FAILED, true);
    }
    const bodyId = params.get("client_id");
    if (bodyId !== undefined && bodyId !== id) throw invalidClient(FAILED, true);
    return { method: "client_secret_basic", clientId: id, secret, viaBasic: true };
  }
  if (post) return { method: "client_secret_post", clientId: params.get("client_id"), secret: params.get("client_secret")!, viaBasic: false };
  if (jwt) {
    if (params.get("client_assertion_type") !== JWT_BEARER || !params.has("client_assertion")) {
      throw new OAuthError("invalid_client", `The client_assertion_type must be '${JWT_BEARER}' with a client_assertion.`);
    }
    const assertion = params.get("client_assertion")!;
    let sub: string | undefined;
    try {
      sub = decodeJwt(assertion).sub;
    } catch {
      throw invalidClient("The client_assertion is not a valid JWT.", false);
    }
    const bodyId = params.get("client_id");
    if (bodyId !== undefined && sub !== bodyId) throw invalidClient(FAILED, false);
    // The method (client_secret_jwt or private_key_jwt) is the client's registered one; checked below.
    return { method: "private_key_jwt", clientId: sub, assertion, viaBasic: false };
  }
  return { method: "none", clientId: params.get("client_id"), viaBasic: false };
}

async function verifyAssertion(env: Env, app: AppRecord, assertion: string, audiences: string[], now: number): Promise<void> {
  let payload: JWTPayload;
  const opts = { issuer: app.clientId, subject: app.clientId, audience: audiences, requiredClaims: ["exp", "jti"], currentDate: new Date(now) };
  let verify: () => Promise<{ payload: JWTPayload }>;
  if (app.tokenEndpointAuthMethod === "client_secret_jwt") {
    if (!app.secretSealed) throw invalidClient(FAILED, false);
    // Sealed by this server: failing to open it is this server's fault, not the client's.
    const secret = await unseal(openingSecrets(config(env)), "client-secret", app.clientId, app.secretSealed);
    // RFC 7518 3.2: a secret shorter than 256 bits (set before this was checked on write) is no HS256 key.
    if (new TextEncoder().encode(secret).length < 32) throw invalidClient(FAILED, false);
    verify = () => jwtVerify(assertion, new TextEncoder().encode(secret), { ...opts, algorithms: ["HS256", "HS384", "HS512"] });
  } else {
    const jwks = createLocalJWKSet({ keys: (app.jwks?.keys ?? []) as never[] });
    verify = () => jwtVerify(assertion, jwks, { ...opts, algorithms: ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "EdDSA"] });
  }
  try {
    ({ payload } = await verify());
  } catch (err) {
    // Only jose's verdicts on the assertion are the client's; anything else reaches the handler.
    if (!(err instanceof joseErrors.JOSEError)) throw err;
    if (err instanceof joseErrors.JWTExpired) throw invalidClient("The client_assertion token is expired.", false);
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud") {
      throw invalidClient("The audience claim for client_assertion must be the endpoint invoked for the request.", false);
    }
    throw invalidClient("The client_assertion signature or claims are invalid.", false);
  }
  const nowSeconds = epochSeconds(now);
  if (payload.exp! - nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw invalidClient("The client_assertion token has an expiration too far in the future.", false);
  }
  if (typeof payload.jti !== "string" || payload.jti.length === 0 || payload.jti.length > 256) {
    throw invalidClient("The client_assertion must have a jti claim.", false);
  }
  if (!(await recordAssertion(env.DB, app.clientId, payload.jti, payload.exp!, nowSeconds))) {
    throw invalidClient("The client_assertion token has already been used.", false);
  }
}

/**
 * Authenticates the client of a token, introspection or revocation request by its registered
 * token_endpoint_auth_method (OIDC Core 9). Unknown client, wrong method and wrong credentials all give the
 * same invalid_client answer, so nothing tells which was wrong.
 */
export async function authenticateClient(
  env: Env,
  req: Request,
  params: Map<string, string>,
  audiences: string[],
  now: number,
): Promise<AppRecord> {
  const p = presented(req, params);
  if (!p.clientId) throw invalidClient("No client credentials found.", p.viaBasic);
  const app = await cachedClient(env, p.clientId, now);
  if (!app || app.status !== "ACTIVE") {
    // An unknown client_id costs what a wrong secret does (a dummy PBKDF2, throttled): no oracle for client_ids.
    if (p.secret !== undefined) await clientSecretMatches(env, req, p.clientId, app, p.secret);
    throw invalidClient(FAILED, p.viaBasic);
  }
  const registered = app.tokenEndpointAuthMethod;
  const jwtMethod = registered === "client_secret_jwt" || registered === "private_key_jwt";
  if (p.method === "private_key_jwt" ? !jwtMethod : p.method !== registered) throw invalidClient(FAILED, p.viaBasic);
  if (p.secret !== undefined && !(await clientSecretMatches(env, req, p.clientId, app, p.secret))) throw invalidClient(FAILED, p.viaBasic);
  if (p.assertion !== undefined) await verifyAssertion(env, app, p.assertion, audiences, now);
  return app;
}
