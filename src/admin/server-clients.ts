import { Hono, type Context } from "hono";
import { z } from "zod";
import { epochSeconds } from "../clock";
import type { AppEnv } from "../env";
import { orgBase } from "../issuer";
import { clientsWithTokens } from "../sessions/fan-out";
import { clientTokenRoutes, type TokenOwner } from "./client-tokens";
import type { Operation } from "./openapi";
import { appsByClientId, OAuth2Client, OAuth2RefreshToken, TokenListQuery, TokenQuery, toOAuth2Client } from "./refresh-token-schema";
import { requireClient, requireServer } from "./require";

/**
 * An authorization server's clients and the refresh tokens it issued them (Okta's client and token management).
 * Revoking here is effective at once for refresh tokens and, through the revocation list, for the access tokens
 * they issued as introspection sees them; a JWT validated locally stays valid until it expires (README, Consistency).
 */
const CLIENTS = "/:authServerId/clients";
const TOKENS = `${CLIENTS}/:clientId/tokens`;

export const serverClientOperations: Operation[] = [
  { method: "get", path: CLIENTS, operationId: "listOAuth2ClientsForAuthorizationServer", summary: "List the clients holding refresh tokens of this server", status: 200, response: z.array(OAuth2Client) },
  { method: "get", path: TOKENS, operationId: "listRefreshTokensForAuthorizationServerAndClient", summary: "List a client's refresh tokens of this server", query: TokenListQuery, status: 200, response: z.array(OAuth2RefreshToken) },
  { method: "delete", path: TOKENS, operationId: "revokeRefreshTokensForAuthorizationServerAndClient", summary: "Revoke all of a client's refresh tokens of this server (and the access tokens they issued)", status: 204 },
  { method: "get", path: `${TOKENS}/:tokenId`, operationId: "getRefreshTokenForAuthorizationServerAndClient", summary: "Retrieve a refresh token", query: TokenQuery, status: 200, response: OAuth2RefreshToken },
  { method: "delete", path: `${TOKENS}/:tokenId`, operationId: "revokeRefreshTokenForAuthorizationServerAndClient", summary: "Revoke a refresh token (and the access tokens it issued)", status: 204 },
];

/** The server and the client named by the path; either unknown is Okta's 404. */
async function owner(c: Context<AppEnv>): Promise<TokenOwner> {
  const server = await requireServer(c.env, c.req.param("authServerId")!);
  const clientId = c.req.param("clientId")!;
  const app = await requireClient(c.env, clientId);
  return { app, scope: { by: "serverClient" as const, authServerId: server.id, clientId }, self: tokensUrl(c, server.id, clientId) };
}

const tokensUrl = (c: Context<AppEnv>, serverId: string, clientId: string) =>
  `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${serverId}/clients/${clientId}/tokens`;

export const serverClients = new Hono<AppEnv>()
  .get(CLIENTS, async (c) => {
    const server = await requireServer(c.env, c.req.param("authServerId"));
    const base = orgBase(c.env, c.req.url);
    const clientIds = await clientsWithTokens(c.env, { authServerId: server.id }, epochSeconds(c.get("now")));
    const apps = await appsByClientId(c.env, clientIds);
    return c.json(
      clientIds.map((id) =>
        toOAuth2Client(c.env, c.req.url, id, apps.get(id), tokensUrl(c, server.id, id), { client: { href: `${base}/oauth2/v1/clients/${id}`, title: apps.get(id)?.label ?? id } }),
      ),
    );
  })
  .route("/", clientTokenRoutes(TOKENS, owner));


