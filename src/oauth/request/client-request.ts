import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf } from "../../issuer";
import type { AppRecord } from "../../store/apps";
import { authenticateClient, endpointAudiences } from "./client-auth";
import { readForm } from "./params";
import type { ServerBundle } from "../../cache/server-bundle";
import { activeServer } from "./server-context";

export interface ClientTokenRequest {
  now: number;
  bundle: ServerBundle;
  params: Map<string, string>;
  issuer: string;
  client: AppRecord;
  /** The token the client asks about (RFC 7662 2.1, RFC 7009 2.1: required). */
  token: string;
}

/** The shared front of /introspect and /revoke: the server, the form, client authentication, the token. */
export async function clientTokenRequest(c: Context<AppEnv>, endpoint: "introspect" | "revoke"): Promise<ClientTokenRequest> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const params = await readForm(c.req.raw);
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  const client = await authenticateClient(c.env, c.req.raw, params, endpointAudiences(c.req.url, issuer, endpoint), now);
  const token = params.get("token");
  if (!token) throw new OAuthError("invalid_request", "The 'token' parameter is required.");
  return { now, bundle, params, issuer, client, token };
}
