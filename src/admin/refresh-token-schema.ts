/**
 * Okta's OAuth2RefreshToken and OAuth2Client objects as the client and token management APIs answer them
 * (/api/v1/authorizationServers/{id}/clients… and /api/v1/users/{id}/clients…), and the builders shared by both.
 */
import { z } from "zod";
import { isoTime } from "../clock";
import type { Env } from "../env";
import { issuerOf, orgBase, ORG_SERVER_ID } from "../issuer";
import { cachedServer } from "../cache/server-bundle";
import { getAppByClientId, type AppRecord } from "../store/apps";
import type { IssuedRefreshToken } from "../sessions/fan-out";
import { orgBundle } from "../tokens/org-server";
import { link } from "./links";

/** Okta's link objects here carry a title (the app's label, the scope's name) besides the href and hints. */
const TitledLink = z.object({
  href: z.string(),
  title: z.string().optional(),
  hints: z.object({ allow: z.array(z.enum(["GET", "POST", "PUT", "DELETE"])) }).optional(),
});
const TitledLinks = z.record(z.string(), TitledLink);

const EmbeddedScope = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  _links: TitledLinks,
});

export const OAuth2RefreshToken = z
  .object({
    id: z.string(),
    status: z.enum(["ACTIVE", "REVOKED"]),
    created: z.string(),
    lastUpdated: z.string(),
    expiresAt: z.string(),
    issuer: z.string(),
    // Okta: the schema names it clientId (one example writes client_id); the schema wins.
    clientId: z.string(),
    userId: z.string(),
    scopes: z.array(z.string()),
    _embedded: z.object({ scopes: z.array(EmbeddedScope) }).optional(),
    _links: TitledLinks,
  })
  .meta({ id: "OAuth2RefreshToken" });

export const OAuth2Client = z
  .object({
    client_id: z.string(),
    client_name: z.string(),
    client_uri: z.string().nullable(),
    logo_uri: z.string().nullable(),
    _links: TitledLinks,
  })
  .meta({ id: "OAuth2Client" });

/** `expand=scope` embeds the scope objects; any other value is Okta's validation error. */
export const TokenQuery = z.object({ expand: z.enum(["scope"]).optional() });
export const TokenListQuery = TokenQuery.extend({ after: z.string().optional(), limit: z.string().optional() });

/** The app that holds a client_id, looked up once per response. */
export const appsByClientId = async (env: Env, clientIds: string[]): Promise<Map<string, AppRecord>> => {
  const apps = await Promise.all([...new Set(clientIds)].map((id) => getAppByClientId(env.DB, id)));
  return new Map(apps.filter((a): a is AppRecord => a !== null).map((a) => [a.clientId, a]));
};

async function serverFacts(env: Env, url: string, serverId: string, now: number) {
  if (serverId === ORG_SERVER_ID) return { issuer: orgBase(env, url), name: "Org Authorization Server", scopes: orgBundle(orgBase(env, url)).scopes };
  const bundle = await cachedServer(env, serverId, now);
  return bundle
    ? { issuer: issuerOf(bundle.server, env, url), name: bundle.server.name, scopes: bundle.scopes }
    : { issuer: `${orgBase(env, url)}/oauth2/${serverId}`, name: serverId, scopes: [] };
}

const label = (settings: AppRecord["settings"], key: "client_uri" | "logo_uri"): string | null => {
  const value = (settings as unknown as Record<string, unknown>)[key];
  return typeof value === "string" ? value : null;
};

/** Okta's OAuth2Client: what a client is called and where its tokens are listed (`tokensHref`). */
export function toOAuth2Client(env: Env, url: string, clientId: string, app: AppRecord | undefined, tokensHref: string, extra: Record<string, z.input<typeof TitledLink>> = {}) {
  return {
    client_id: clientId,
    client_name: app?.label ?? clientId,
    client_uri: app ? label(app.settings, "client_uri") : null,
    logo_uri: app ? label(app.settings, "logo_uri") : null,
    _links: { ...extra, tokens: link(tokensHref, "GET", "DELETE") },
  };
}

/** Okta's OAuth2RefreshToken for a live family; `self` is the token's URL in whichever API listed it. */
export async function toRefreshToken(env: Env, url: string, t: IssuedRefreshToken, app: AppRecord | undefined, self: string, expand: boolean, now: number) {
  const base = orgBase(env, url);
  const server = await serverFacts(env, url, t.authServerId, now);
  const scopeHref = (id: string) => `${base}/api/v1/authorizationServers/${t.authServerId}/scopes/${id}`;
  const embedded = server.scopes
    .filter((s) => t.grant.scopes.includes(s.name))
    .map((s) => ({ id: s.id, name: s.name, displayName: s.displayName, description: s.description, _links: { scope: { href: scopeHref(s.id), title: s.displayName ?? s.name } } }));
  return {
    id: t.familyId,
    status: "ACTIVE" as const,
    created: isoTime(t.familyCreated * 1000),
    lastUpdated: isoTime(t.created * 1000),
    expiresAt: isoTime(t.expiresAt * 1000),
    issuer: server.issuer,
    clientId: t.clientId,
    userId: t.userId,
    scopes: t.grant.scopes,
    ...(expand ? { _embedded: { scopes: embedded } } : {}),
    _links: {
      ...(app ? { app: { href: `${base}/api/v1/apps/${app.id}`, title: app.label } } : {}),
      self: link(self, "GET"),
      revoke: link(self, "DELETE"),
      client: { href: `${base}/oauth2/v1/clients/${t.clientId}`, title: app?.label ?? t.clientId },
      user: { href: `${base}/api/v1/users/${t.userId}`, title: t.userId },
      authorizationServer: { href: `${base}/api/v1/authorizationServers/${t.authServerId}`, title: server.name },
    },
  };
}
