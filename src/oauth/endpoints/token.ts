import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf } from "../../issuer";
import { authenticateClient, endpointAudiences } from "../request/client-auth";
import { GRANTS } from "../grants";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";

/**
 * POST /oauth2/{id}/v1/token: one fixed pipeline (RFC 6749 3.2) — server, form parameters (duplicates refused),
 * grant type, client authentication, the client's permission to use the grant, the grant handler.
 */
export async function tokenEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.var.now;
  const bundle = await activeServer(c);
  const params = await readForm(c.req.raw);
  const grantType = params.get("grant_type");
  if (!grantType) {
    throw new OAuthError("invalid_request", `The token request must specify a 'grant_type'. Valid values: [${[...GRANTS.keys()].join(", ")}]`);
  }
  const grant = GRANTS.get(grantType);
  if (!grant) {
    throw new OAuthError("unsupported_grant_type", `The authorization grant type is not supported by the authorization server. Configured grant types: [${[...GRANTS.keys()].join(", ")}].`);
  }
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  const client = await authenticateClient(c.env, c.req.raw, params, endpointAudiences(c.req.url, issuer, "token"), now);
  if (!client.settings.grant_types.includes(grantType)) {
    throw new OAuthError("unauthorized_client", `The client is not authorized to use the provided grant type. Configured grant types: [${client.settings.grant_types.join(", ")}].`);
  }
  const body = await grant.handle({ env: c.env, bundle, client, params, issuer, now, requestUrl: c.req.url });
  // RFC 6749 5.1: token responses are never cached.
  return c.json(body, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
