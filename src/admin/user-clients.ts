import { Hono, type Context } from "hono";
import { z } from "zod";
import { epochSeconds } from "../clock";
import type { AppEnv } from "../env";
import { orgBase } from "../issuer";
import { clientsOfUser } from "../store/token-grants";
import { clientsWithTokens } from "../sessions/fan-out";
import { clientTokenRoutes, type TokenOwner } from "./client-tokens";
import type { Operation } from "./openapi";
import { appsByClientId, OAuth2Client, OAuth2RefreshToken, TokenListQuery, TokenQuery, toOAuth2Client } from "./refresh-token-schema";
import { requireClient, requireUser } from "./require";

/**
 * A person's clients and the refresh tokens they hold, across authorization servers (Okta's user OAuth API).
 * Revoking a refresh token also revokes the access tokens it issued (Okta).
 */
const CLIENTS = "/:userId/clients";
const TOKENS = `${CLIENTS}/:clientId/tokens`;

export const userClientOperations: Operation[] = [
  { method: "get", path: CLIENTS, operationId: "listUserClients", summary: "List the clients a user gave consent to or holds refresh tokens for", status: 200, response: z.array(OAuth2Client) },
  { method: "get", path: TOKENS, operationId: "listRefreshTokensForUserAndClient", summary: "List a user's refresh tokens for a client", query: TokenListQuery, status: 200, response: z.array(OAuth2RefreshToken) },
  { method: "delete", path: TOKENS, operationId: "revokeTokensForUserAndClient", summary: "Revoke all of a user's refresh tokens for a client (and the access tokens they issued)", status: 204 },
  { method: "get", path: `${TOKENS}/:tokenId`, operationId: "getRefreshTokenForUserAndClient", summary: "Retrieve a user's refresh token for a client", query: TokenQuery, status: 200, response: OAuth2RefreshToken },
  { method: "delete", path: `${TOKENS}/:tokenId`, operationId: "revokeTokenForUserAndClient", summary: "Revoke a user's refresh token (and the access tokens it issued)", status: 204 },
];

/** The person and the client named by the path; either unknown is Okta's 404. */
async function owner(c: Context<AppEnv>): Promise<TokenOwner> {
  const user = await requireUser(c.env, c.req.param("userId")!);
  const clientId = c.req.param("clientId")!;
  const app = await requireClient(c.env, clientId);
  return { app, scope: { by: "userClient" as const, userId: user.id, clientId }, self: `${clientsUrl(c, user.id)}/${clientId}/tokens` };
}

const clientsUrl = (c: Context<AppEnv>, userId: string) => `${orgBase(c.env, c.req.url)}/api/v1/users/${userId}/clients`;

export const userClients = new Hono<AppEnv>()
  .get(CLIENTS, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const clientIds = [...new Set([...(await clientsWithTokens(c.env, { userId: user.id }, epochSeconds(c.get("now")))), ...(await clientsOfUser(c.env.DB, user.id))])].sort();
    const apps = await appsByClientId(c.env, clientIds);
    const base = clientsUrl(c, user.id);
    return c.json(clientIds.map((id) => toOAuth2Client(c.env, c.req.url, id, apps.get(id), `${base}/${id}/tokens`, { grants: { href: `${base}/${id}/grants` } })));
  })
  .route("/", clientTokenRoutes(TOKENS, owner));
