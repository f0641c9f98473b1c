import { Hono, type Context } from "hono";
import { epochSeconds } from "../clock";
import type { AppEnv } from "../env";
import type { AppRecord } from "../store/apps";
import { findIssued, listIssued, revokeFamilyIn, revokeWhere, type HolderSelector } from "../sessions/fan-out";
import { readQuery } from "./body";
import { linkPage, readPaging } from "./paging";
import { TokenListQuery, TokenQuery, toRefreshToken } from "./refresh-token-schema";
import { notFoundError } from "./require";

/** Whose tokens a path names: the client's app, the SessionStore index selector, and the tokens' collection URL. */
export interface TokenOwner {
  app: AppRecord;
  scope: Extract<HolderSelector, { by: "userClient" | "serverClient" }>;
  self: string;
}

/**
 * Okta's refresh-token collection of one client, under an authorization server or a person (the same four
 * operations, OAuth2RefreshToken shapes and 404s in both): list (20 a page by default, at most 200), revoke all,
 * get one, revoke one. Revoking also revokes the access tokens a family issued (Okta).
 */
export function clientTokenRoutes(tokens: string, owner: (c: Context<AppEnv>) => Promise<TokenOwner>) {
  return new Hono<AppEnv>()
    .get(tokens, async (c) => {
      const { expand } = readQuery(c, TokenListQuery, "OAuth2RefreshToken");
      const paging = readPaging(c, 20);
      const { app, scope, self } = await owner(c);
      const page = await listIssued(c.env, scope, epochSeconds(c.get("now")), { limit: paging.limit, afterSeq: paging.after });
      linkPage(c, self, { expand }, paging, page);
      return c.json(await Promise.all(page.items.map((t) => toRefreshToken(c.env, c.req.url, t, app, `${self}/${t.familyId}`, expand === "scope", c.get("now")))));
    })
    .delete(tokens, async (c) => {
      const { scope } = await owner(c);
      await revokeWhere(c.env, scope, epochSeconds(c.get("now")));
      return c.body(null, 204);
    })
    .get(`${tokens}/:tokenId`, async (c) => {
      const { expand } = readQuery(c, TokenQuery, "OAuth2RefreshToken");
      const { app, scope, self } = await owner(c);
      const tokenId = c.req.param("tokenId")!;
      const token = (await findIssued(c.env, scope, tokenId, epochSeconds(c.get("now"))))?.token;
      if (!token) throw notFoundError(tokenId, "OAuth2RefreshToken");
      return c.json(await toRefreshToken(c.env, c.req.url, token, app, `${self}/${tokenId}`, expand === "scope", c.get("now")));
    })
    .delete(`${tokens}/:tokenId`, async (c) => {
      const { scope } = await owner(c);
      const tokenId = c.req.param("tokenId")!;
      const found = await findIssued(c.env, scope, tokenId, epochSeconds(c.get("now")));
      if (!found) throw notFoundError(tokenId, "OAuth2RefreshToken");
      await revokeFamilyIn(c.env, found.holder, tokenId, epochSeconds(c.get("now")));
      return c.body(null, 204);
    });
}

