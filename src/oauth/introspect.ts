import type { Context } from "hono";
import { nowMs } from "../clock";
import type { AppEnv } from "../env";
import { issuerOf } from "../issuer";
import { authenticateClient } from "./client-auth";
import { readForm } from "./params";
import { activeServer } from "./server-context";
import { endpointAudiences } from "./token";
import { verifyAccessToken } from "./verify-access-token";
import { OAuthError } from "../errors";

const INACTIVE = { active: false } as const;

/**
 * POST /oauth2/{id}/v1/introspect (RFC 7662): a client-authenticated question about a token. Anything that is
 * not a live access token of this very server — malformed, expired, revoked, another server's — is
 * {"active": false}, and nothing more is said about it.
 */
export async function introspectEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = nowMs();
  const bundle = await activeServer(c);
  const params = await readForm(c.req.raw);
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  await authenticateClient(c.env, c.req.raw, params, endpointAudiences(c.req.url, issuer, "introspect"), now);
  const token = params.get("token");
  if (!token) throw new OAuthError("invalid_request", "The 'token' parameter is required.");
  const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };
  const claims = await verifyAccessToken(c.env, bundle, issuer, token, now);
  if (!claims) return c.json(INACTIVE, 200, headers);
  const { scp, cid, ...rest } = claims as Record<string, unknown>;
  return c.json(
    {
      // The token's claims first, so that no custom claim can change what introspection itself reports.
      ...rest,
      active: true,
      token_type: "Bearer",
      scope: Array.isArray(scp) ? scp.join(" ") : undefined,
      client_id: cid,
      // Okta: username is the subject (the login for a user, the client_id for client_credentials).
      username: rest.sub,
    },
    200,
    headers,
  );
}
