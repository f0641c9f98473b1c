import { Hono } from "hono";
import { nowMs } from "../clock";
import type { AppEnv, Env } from "../env";
import { issuerOf, orgBase, ORG_SERVER_ID } from "../issuer";
import { cachedServer } from "../cache/server-bundle";
import { getConsent, listConsents, revokeConsents, type ConsentRecord } from "../store/consents";
import { link } from "./links";
import { requireUser, notFoundError } from "./require";

async function issuerFor(env: Env, url: string, serverId: string): Promise<string> {
  if (serverId === ORG_SERVER_ID) return orgBase(env, url);
  const bundle = await cachedServer(env, serverId, nowMs());
  return bundle ? issuerOf(bundle.server, env, url) : `${orgBase(env, url)}/oauth2/${serverId}`;
}

/** Okta's OAuth2ScopeConsentGrant for consent a person gave (source END_USER). */
async function toGrant(env: Env, url: string, g: ConsentRecord) {
  const base = orgBase(env, url);
  const self = `${base}/api/v1/users/${g.userId}/grants/${g.id}`;
  return {
    id: g.id,
    status: "ACTIVE",
    created: g.created,
    lastUpdated: g.created,
    issuer: await issuerFor(env, url, g.authServerId),
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
export const userGrants = new Hono<AppEnv>()
  .get("/:userId/grants", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const grants = await listConsents(c.env.DB, user.id, c.req.query("scopeId"));
    return c.json(await Promise.all(grants.map((g) => toGrant(c.env, c.req.url, g))));
  })
  .get("/:userId/grants/:grantId", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const grant = await getConsent(c.env.DB, user.id, c.req.param("grantId"));
    if (!grant) throw notFoundError(c.req.param("grantId"), "OAuth2ScopeConsentGrant");
    return c.json(await toGrant(c.env, c.req.url, grant));
  })
  .delete("/:userId/grants", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    await revokeConsents(c.env.DB, user.id);
    return c.body(null, 204);
  })
  .delete("/:userId/grants/:grantId", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    if (!(await revokeConsents(c.env.DB, user.id, c.req.param("grantId")))) {
      throw notFoundError(c.req.param("grantId"), "OAuth2ScopeConsentGrant");
    }
    return c.body(null, 204);
  });
