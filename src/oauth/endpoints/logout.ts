import type { Context } from "hono";
import { compactVerify, errors as joseErrors } from "jose";
import type { AppEnv } from "../../env";
import { PageError } from "../../errors";
import { issuerOf } from "../../issuer";
import { SIGNING_ALGS } from "../../keys/crypto";
import { cachedKeys } from "../../cache/keys";
import { cachedClient } from "../../cache/clients";
import { pageResponse } from "../pages/html";
import { signedOutPage } from "../pages/messages";
import { requestParams } from "../request/params";
import { redirectToClient } from "../authorize/respond";
import { activeServer } from "../request/server-context";
import { currentSession, endSession } from "../request/session";
import { confirmed, confirmLogoutPage, needsConfirmation } from "./logout-confirm";
import { logEvent } from "../../log/emit";
import { signOutEvent } from "../people-events";

const NOT_AN_ID_TOKEN = "The 'id_token_hint' is not an ID token of this authorization server.";

interface HintClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  jti?: string;
}

/** The hint's claims when one of the server's published keys signed it (expired or not), else null. */
async function signedHint(hint: string, verifier: Parameters<typeof compactVerify>[1]): Promise<HintClaims | null> {
  let payload: Uint8Array;
  try {
    // Signature only: the hint may have expired (OIDC RP-Initiated Logout 2).
    ({ payload } = await compactVerify(hint, verifier, { algorithms: [...SIGNING_ALGS] }));
  } catch (err) {
    // Only jose's verdicts are the hint's fault; anything else reaches the handler.
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
  try {
    // Signed with this server's key: a token this server minted, so JSON; a signed non-JSON payload is still no hint.
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
    return typeof claims === "object" && claims !== null ? (claims as HintClaims) : null;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

/**
 * GET or POST /oauth2/{id}/v1/logout (OpenID Connect RP-Initiated Logout 1.0): ends the SSO session and, when
 * post_logout_redirect_uri is registered for the client the id_token_hint names, redirects there with state.
 * Okta: id_token_hint is required; an expired but genuine hint still logs out.
 */
export async function logoutEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const params = await requestParams(c.req.raw);
  const hint = params.get("id_token_hint");
  if (!hint) throw new PageError("invalid_request", "The 'id_token_hint' parameter is required.");
  const claims = await signedHint(hint, (await cachedKeys(c.env, bundle.server.id, now)).verifier);
  if (!claims) throw new PageError("invalid_request", NOT_AN_ID_TOKEN);
  const clientId = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  // Access tokens are signed with the same keys: only an ID token (jti "ID.…", aud = a client) is a hint.
  if (claims.iss !== issuerOf(bundle.server, c.env, c.req.url) || !clientId || typeof claims.jti !== "string" || !claims.jti.startsWith("ID.")) throw new PageError("invalid_request", NOT_AN_ID_TOKEN);
  const target = params.get("post_logout_redirect_uri");
  const client = await cachedClient(c.env, clientId, now);
  if (target !== undefined && !client?.settings.post_logout_redirect_uris.includes(target)) {
    throw new PageError("invalid_request", "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.");
  }
  if (needsConfirmation(await currentSession(c, now), claims.sub) && !confirmed(c, params)) return confirmLogoutPage(c, params);
  const { cookie: cleared, userId } = await endSession(c);
  logEvent(c, signOutEvent(userId, clientId));
  if (target) return redirectToClient(target, "query", { state: params.get("state") }, [cleared]);
  return pageResponse(signedOutPage(), 200, [cleared]);
}
