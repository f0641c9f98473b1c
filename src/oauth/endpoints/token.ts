import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf } from "../../issuer";
import { authenticateClient, endpointAudiences } from "../request/client-auth";
import { GRANTS } from "../grants";
import { tokenRequestDpop } from "../request/dpop-token";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";
import type { EventInput } from "../../log/event";
import { logEvent, logEvents } from "../../log/emit";
import type { AppRecord } from "../../store/apps";
import { presentedClientId, tokenIssuedEvents, tokenRefusedEvent } from "../token-events";

/**
 * POST /oauth2/{id}/v1/token: one fixed pipeline (RFC 6749 3.2) — server, form parameters (duplicates refused),
 * grant type, client authentication, the client's permission to use the grant, the grant handler.
 */
export async function tokenEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  let client: AppRecord | null = null;
  let params: Map<string, string> | null = null;
  try {
    params = await readForm(c.req.raw);
    const grantType = params.get("grant_type");
    if (!grantType) {
      throw new OAuthError("invalid_request", `The token request must specify a 'grant_type'. Valid values: [${[...GRANTS.keys()].join(", ")}]`);
    }
    const grant = GRANTS.get(grantType);
    if (!grant) {
      throw new OAuthError("unsupported_grant_type", `The authorization grant type is not supported by the authorization server. Configured grant types: [${[...GRANTS.keys()].join(", ")}].`);
    }
    const issuer = issuerOf(bundle.server, c.env, c.req.url);
    client = await authenticateClient(c.env, c.req.raw, params, endpointAudiences(c.req.url, issuer, "token"), now);
    if (!client.settings.grant_types.includes(grantType)) {
      throw new OAuthError("unauthorized_client", `The client is not authorized to use the provided grant type. Configured grant types: [${client.settings.grant_types.join(", ")}].`);
    }
    // RFC 9449 5: a DPoP proof binds the tokens to the client's key (null, at no cost, when there is none).
    const dpop = await tokenRequestDpop(c, client, issuer);
    const log = (events: EventInput[]) => logEvents(c, events);
    const request = { id: c.get("requestId"), url: c.req.url, ipAddress: c.req.header("CF-Connecting-IP") ?? null, params };
    const body = await grant.handle({ env: c.env, bundle, client, params, issuer, now, requestUrl: c.req.url, dpopJkt: dpop?.jkt, log, request });
    log(tokenIssuedEvents(bundle, client, grantType, body));
    // RFC 6749 5.1: token responses are never cached. RFC 9449 8: a DPoP response hands on the current nonce.
    return c.json(body, 200, { "Cache-Control": "no-store", Pragma: "no-cache", ...(dpop ? { "DPoP-Nonce": dpop.nonce } : {}) });
  } catch (err) {
    // Okta: a refused token request is in the System Log with the reason.
    if (err instanceof OAuthError) logEvent(c, tokenRefusedEvent(bundle, client, presentedClientId(c.req.header("Authorization"), params), params?.get("grant_type") ?? null, err));
    throw err;
  }
}
