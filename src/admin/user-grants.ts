import { Hono } from "hono";
import type { AppEnv, Env } from "../env";
import { issuerOf, orgBase, ORG_SERVER_ID } from "../issuer";
import { cachedServer } from "../cache/server-bundle";
import { getConsent, listConsents, revokeConsents, type ConsentRecord } from "../store/consents";
import { z } from "zod";
import { OAuth2ScopeConsentGrant } from "./app-grants";
import { link } from "./links";
import type { Operation } from "./openapi";
import { requireUser, notFoundError } from "./require";

async function issuerFor(env: Env, url: string, serverId: string, now: number): Promise<string> {
  if (serverId === ORG_SERVER_ID) return orgBase(env, url);
  const bundle = await cachedServer(env, serverId, now);
  return bundle ? issuerOf(bundle.server, env, url) : `${orgBase(env, url)}/oauth2/${serverId}`;
}

/** Okta's OAuth2ScopeConsentGrant for consent a person gave (source END_USER). */
async function toGrant(env: Env, url: string, g: ConsentRecord, now: number): Promise<z.input<typeof OAuth2ScopeConsentGrant>> {
  const base = orgBase(env, url);
  const self = `${base}/api/v1/users/${g.userId}/grants/${g.id}`;
  return {
    id: g.id,
    status: "ACTIVE",
    created: g.created,
    lastUpdated: g.created,
    issuer: await issuerFor(env, url, g.authServerId, now),
    clientId: g.clientId,
    userId: g.userId,
    scopeId: g.scope,
    source: "END_USER",
    _links: { self: link(self, "GET", "DELETE"), user: link(`${base}/api/v1/users/${g.userId}`, "GET") },
  };
}

/**
 * /api/v1/users/{userId}/grants: the consent a person gave clients (Okta). Revoking a grant makes the consent page
 * ask again the next time the client wants that scope.
 */
const GRANTS = "/:userId/grants";

export const userGrantOperations: Operation[] = [
  { method: "get", path: GRANTS, operationId: "listUserGrants", summary: "List all consents a user gave", query: z.object({ scopeId: z.string().optional() }), status: 200, response: z.array(OAuth2ScopeConsentGrant) },
  { method: "get", path: `${GRANTS}/:grantId`, operationId: "getUserGrant", summary: "Retrieve a user's consent", status: 200, response: OAuth2ScopeConsentGrant },
  { method: "delete", path: GRANTS, operationId: "revokeUserGrants", summary: "Revoke all of a user's consents", status: 204 },
  { method: "delete", path: `${GRANTS}/:grantId`, operationId: "revokeUserGrant", summary: "Revoke one of a user's consents", status: 204 },
];

export const userGrants = new Hono<AppEnv>()
  .get(GRANTS, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const grants = await listConsents(c.env.DB, user.id, c.req.query("scopeId"));
    return c.json(await Promise.all(grants.map((g) => toGrant(c.env, c.req.url, g, c.get("now")))));
  })
  .get(`${GRANTS}/:grantId`, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const grant = await getConsent(c.env.DB, user.id, c.req.param("grantId"));
    if (!grant) throw notFoundError(c.req.param("grantId"), "OAuth2ScopeConsentGrant");
    return c.json(await toGrant(c.env, c.req.url, grant, c.get("now")));
  })
  .delete(GRANTS, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    await revokeConsents(c.env.DB, user.id);
    return c.body(null, 204);
  })
  .delete(`${GRANTS}/:grantId`, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    if (!(await revokeConsents(c.env.DB, user.id, c.req.param("grantId")))) {
      throw notFoundError(c.req.param("grantId"), "OAuth2ScopeConsentGrant");
    }
    return c.body(null, 204);
  });
