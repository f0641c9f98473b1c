import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { epochSeconds } from "../../clock";
import { sha256Hex } from "../../digest";
import { OAuthError, PageError, RedirectError } from "../../errors";
import { randomBase62 } from "../../ids";
import { issuerOf } from "../../issuer";
import { savePushedRequest } from "../../store/pushed-requests";
import { REQUEST_URI_PREFIX } from "../authorize/pushed";
import { checkClientAndRedirect, parseAuthorizeRequest } from "../authorize/request";
import { requestObjectParams } from "../authorize/request-object";
import { authenticateClient, endpointAudiences } from "../request/client-auth";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";

/** RFC 9126 2.2: short-lived (node-oidc-provider and Keycloak use 60 s; a browser follows the redirect at once). */
export const PAR_LIFETIME_SECONDS = 60;
const CLIENT_AUTH_PARAMS = ["client_secret", "client_assertion", "client_assertion_type"];

/** The checks /authorize would make, answered as the token endpoint answers (RFC 9126 2.3), never redirected. */
function checkedNow(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (err instanceof RedirectError) throw err.oauth;
    if (err instanceof PageError) throw new OAuthError(err.error, err.description);
    throw err;
  }
}

/**
 * POST {issuer}/v1/par (RFC 9126): an authenticated client pushes its authorization request and gets a one-time,
 * short-lived request_uri bound to it. The request is validated here exactly as /authorize validates it, so that
 * /authorize can trust what it takes back. 201, as RFC 9126 2.2 says (Okta's OpenAPI says 200; RFC clients such as
 * openid-client refuse anything but 201).
 */
export async function parEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const form = await readForm(c.req.raw);
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  // RFC 9126 2: the issuer, the token endpoint and the PAR endpoint all name this server as an assertion's audience.
  const audiences = [...endpointAudiences(c.req.url, issuer, "par"), issuer, `${issuer}/v1/token`];
  const client = await authenticateClient(c.env, c.req.raw, form, audiences, now);
  if (form.has("request_uri")) throw new OAuthError("invalid_request", "The 'request_uri' parameter must not be included in a pushed authorization request.");
  if (form.has("client_id") && form.get("client_id") !== client.clientId) throw new OAuthError("invalid_request", "The 'client_id' does not match the authenticated client.");
  let params: Map<string, string>;
  const request = form.get("request");
  if (request !== undefined) {
    params = await requestObjectParams(c.env, client, request, issuer, now);
  } else {
    params = new Map([...form].filter(([name]) => !CLIENT_AUTH_PARAMS.includes(name)));
    params.set("client_id", client.clientId);
  }
  checkedNow(() => parseAuthorizeRequest(client, checkClientAndRedirect(client, params), params, bundle.scopes));
  const requestUri = REQUEST_URI_PREFIX + randomBase62(32);
  await savePushedRequest(c.env.DB, await sha256Hex(requestUri), {
    authServerId: bundle.server.id,
    clientId: client.clientId,
    params: [...params],
    expiresAt: epochSeconds(now) + PAR_LIFETIME_SECONDS,
  });
  return c.json({ request_uri: requestUri, expires_in: PAR_LIFETIME_SECONDS }, 201, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
