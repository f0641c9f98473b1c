import type { Context } from "hono";
import { compactVerify } from "jose";
import { nowMs } from "../../clock";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf } from "../../issuer";
import { SIGNING_ALGS } from "../../keys/crypto";
import { cachedKeys } from "../../cache/keys";
import { cachedClient } from "../../cache/clients";
import { pageHeaders } from "../pages/html";
import { errorPage, signedOutPage } from "../pages/messages";
import { requestParams } from "../request/params";
import { redirectToClient } from "../authorize/respond";
import { activeServer } from "../request/server-context";
import { endSession } from "../request/session";

/**
 * GET or POST /oauth2/{id}/v1/logout (OpenID Connect RP-Initiated Logout 1.0): ends the SSO session and, when
 * post_logout_redirect_uri is registered for the client the id_token_hint names, redirects there with state.
 * Okta: id_token_hint is required; an expired but genuine hint still logs out.
 */
export async function logoutEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = nowMs();
  const bundle = await activeServer(c);
  const bad = (description: string) => c.html(errorPage("Sign-out error", "invalid_request", description), 400, pageHeaders());
  const params = await requestParams(c.req.raw);
  if (params instanceof OAuthError) return bad(params.description);
  const hint = params.get("id_token_hint");
  if (!hint) return bad("The 'id_token_hint' parameter is required.");
  let claims: { iss?: string; aud?: string | string[]; jti?: string };
  try {
    // Signature only: the hint may have expired (OIDC RP-Initiated Logout 2).
    const { payload } = await compactVerify(hint, (await cachedKeys(c.env, bundle.server.id, now)).verifier, { algorithms: [...SIGNING_ALGS] });
    claims = JSON.parse(new TextDecoder().decode(payload)) as typeof claims;
  } catch {
    return bad("The 'id_token_hint' is not an ID token of this authorization server.");
  }
  const clientId = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  // Access tokens are signed with the same keys: only an ID token (jti "ID.…", aud = a client) is a hint.
  if (claims.iss !== issuerOf(bundle.server, c.env, c.req.url) || !clientId || !claims.jti?.startsWith("ID.")) return bad("The 'id_token_hint' is not an ID token of this authorization server.");
  const target = params.get("post_logout_redirect_uri");
  const client = await cachedClient(c.env, clientId, now);
  if (target !== undefined && !client?.settings.post_logout_redirect_uris.includes(target)) {
    return bad("The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.");
  }
  const cleared = await endSession(c);
  if (target) return redirectToClient(target, "query", { state: params.get("state") }, [cleared]);
  const headers = new Headers(pageHeaders());
  headers.append("Set-Cookie", cleared);
  return new Response(signedOutPage(), { status: 200, headers });
}
