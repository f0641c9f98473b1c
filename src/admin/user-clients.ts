import { Hono, type Context } from "hono";
import { z } from "zod";
import { epochSeconds } from "../clock";
import type { AppEnv } from "../env";
import { orgBase } from "../issuer";
import { clientsOfUser } from "../store/token-grants";
import { clientsWithTokens, findIssued, listIssued, revokeFamilyIn, revokeWhere } from "../sessions/fan-out";
import { readQuery } from "./body";
import type { Operation } from "./openapi";
import { linkPage, readPaging } from "./paging";
import { appsByClientId, OAuth2Client, OAuth2RefreshToken, TokenListQuery, TokenQuery, toOAuth2Client, toRefreshToken } from "./refresh-token-schema";
import { notFoundError, requireClient, requireUser } from "./require";

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
async function owner(c: Context<AppEnv>) {
  const user = await requireUser(c.env, c.req.param("userId")!);
  const clientId = c.req.param("clientId")!;
  const app = await requireClient(c.env, clientId);
  return { user, app, scope: { by: "userClient" as const, userId: user.id, clientId } };
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
  .get(TOKENS, async (c) => {
    const { expand } = readQuery(c, TokenListQuery, "OAuth2RefreshToken");
    // Okta: 20 by default, at most 200.
    const paging = readPaging(c, 20);
    const { user, app, scope } = await owner(c);
    const page = await listIssued(c.env, scope, epochSeconds(c.get("now")), { limit: paging.limit, afterSeq: paging.after });
    const self = `${clientsUrl(c, user.id)}/${app.clientId}/tokens`;
    linkPage(c, self, { expand }, paging, page);
    return c.json(await Promise.all(page.items.map((t) => toRefreshToken(c.env, c.req.url, t, app, `${self}/${t.familyId}`, expand === "scope", c.get("now")))));
  })
  .delete(TOKENS, async (c) => {
    const { scope } = await owner(c);
    await revokeWhere(c.env, scope, epochSeconds(c.get("now")));
    return c.body(null, 204);
  })
  .get(`${TOKENS}/:tokenId`, async (c) => {
    const { expand } = readQuery(c, TokenQuery, "OAuth2RefreshToken");
    const { user, app, scope } = await owner(c);
    const tokenId = c.req.param("tokenId");
    const token = (await findIssued(c.env, scope, tokenId, epochSeconds(c.get("now"))))?.token;
    if (!token) throw notFoundError(tokenId, "OAuth2RefreshToken");
    return c.json(await toRefreshToken(c.env, c.req.url, token, app, `${clientsUrl(c, user.id)}/${app.clientId}/tokens/${tokenId}`, expand === "scope", c.get("now")));
  })
  .delete(`${TOKENS}/:tokenId`, async (c) => {
    const { scope } = await owner(c);
    const tokenId = c.req.param("tokenId");
    const found = await findIssued(c.env, scope, tokenId, epochSeconds(c.get("now")));
    if (!found) throw notFoundError(tokenId, "OAuth2RefreshToken");
    await revokeFamilyIn(c.env, found.holder, tokenId, epochSeconds(c.get("now")));
    return c.body(null, 204);
  });
