import { Hono } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { deleteGrant, getGrant, listGrants, saveGrant, type GrantRecord } from "../store/admin-access";
import { readBody } from "./body";
import { link } from "./links";
import { Links, type Operation } from "./openapi";
import { ADMIN_SCOPES } from "../tokens/route-scopes";
import { invalidate } from "../cache/invalidate";
import { requireApp, notFoundError } from "./require";

const GrantInput = z
  .object({
    issuer: z.string().min(1).max(1024),
    scopeId: z.string().min(1).max(256),
  })
  .meta({ id: "OAuth2ScopeConsentGrantRequest" });

/** Okta's OAuth2ScopeConsentGrant response object (an admin's grant; a person's consent adds userId). */
export const OAuth2ScopeConsentGrant = z
  .object({
    id: z.string(),
    status: z.literal("ACTIVE"),
    created: z.string(),
    lastUpdated: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    userId: z.string().optional(),
    scopeId: z.string(),
    source: z.enum(["ADMIN", "END_USER"]),
    _links: Links,
  })
  .meta({ id: "OAuth2ScopeConsentGrant" });

const GRANTS = "/:appId/grants";

export const appGrantOperations: Operation[] = [
  { method: "get", path: GRANTS, operationId: "listScopeConsentGrants", summary: "List all okta.* scopes granted to an app", status: 200, response: z.array(OAuth2ScopeConsentGrant) },
  { method: "post", path: GRANTS, operationId: "grantConsentToScope", summary: "Grant an app an okta.* scope of the org authorization server", body: GrantInput, status: 201, response: OAuth2ScopeConsentGrant },
  { method: "get", path: `${GRANTS}/:grantId`, operationId: "getScopeConsentGrant", summary: "Retrieve an app's grant", status: 200, response: OAuth2ScopeConsentGrant },
  { method: "delete", path: `${GRANTS}/:grantId`, operationId: "revokeScopeConsentGrant", summary: "Revoke an app's grant", status: 204 },
];

/** Okta's OAuth2ScopeConsentGrant: an admin granted the app an okta.* scope of the org authorization server. */
function toGrant(g: GrantRecord, base: string, clientId: string): z.input<typeof OAuth2ScopeConsentGrant> {
  const app = `${base}/api/v1/apps/${g.appId}`;
  return {
    id: g.id,
    status: "ACTIVE",
    created: g.created,
    lastUpdated: g.lastUpdated,
    issuer: g.issuer,
    clientId,
    scopeId: g.scopeId,
    source: "ADMIN",
    _links: { app: link(app, "GET"), self: link(`${app}/grants/${g.id}`, "GET", "DELETE"), client: link(`${base}/oauth2/v1/clients/${clientId}`, "GET") },
  };
}

/** /api/v1/apps/{appId}/grants: which admin API scopes an app may get from the org authorization server. */
export const appGrants = new Hono<AppEnv>()
  .get(GRANTS, async (c) => {
    const app = await requireApp(c.env, c.req.param("appId"));
    const base = orgBase(c.env, c.req.url);
    return c.json((await listGrants(c.env.DB, app.id)).map((g) => toGrant(g, base, app.clientId)));
  })
  .post(GRANTS, async (c) => {
    const app = await requireApp(c.env, c.req.param("appId"));
    const input = await readBody(c, GrantInput, "OAuth2ScopeConsentGrant");
    const base = orgBase(c.env, c.req.url);
    const causes: string[] = [];
    if (input.issuer.replace(/\/+$/, "") !== base) causes.push(`issuer: must be the org authorization server's issuer, ${base}`);
    if (!ADMIN_SCOPES.includes(input.scopeId)) causes.push(`scopeId: '${input.scopeId}' is not an Okta API scope of this org`);
    if (causes.length) throw validationError("OAuth2ScopeConsentGrant", causes);
    const now = isoTime(c.get("now"));
    const grant = await saveGrant(c.env.DB, { id: newId("oag"), appId: app.id, scopeId: input.scopeId, issuer: base, created: now, lastUpdated: now });
    invalidate({ orgGrants: app.id });
    return c.json(toGrant(grant, base, app.clientId), 201);
  })
  .get(`${GRANTS}/:grantId`, async (c) => {
    const app = await requireApp(c.env, c.req.param("appId"));
    const grant = await getGrant(c.env.DB, app.id, c.req.param("grantId"));
    if (!grant) throw notFoundError(c.req.param("grantId"), "OAuth2ScopeConsentGrant");
    return c.json(toGrant(grant, orgBase(c.env, c.req.url), app.clientId));
  })
  .delete(`${GRANTS}/:grantId`, async (c) => {
    const app = await requireApp(c.env, c.req.param("appId"));
    if (!(await deleteGrant(c.env.DB, app.id, c.req.param("grantId")))) {
      throw notFoundError(c.req.param("grantId"), "OAuth2ScopeConsentGrant");
    }
    invalidate({ orgGrants: app.id });
    return c.body(null, 204);
  });
