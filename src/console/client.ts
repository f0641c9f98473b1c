import { invalidate } from "../cache/invalidate";
import { isoTime } from "../clock";
import type { Env } from "../env";
import { newId } from "../ids";
import { listGrants, saveGrant } from "../store/admin-access";
import { getApp, insertApp, replaceApp, type AppRecord } from "../store/apps";
import { assignGroup } from "../store/assignments";
import { EVERYONE_GROUP_ID } from "../store/groups";
import { ADMIN_SCOPES } from "../tokens/route-scopes";

/**
 * The console is an OIDC app of the org like any other (Okta's Admin Console is one too): a public client (PKCE,
 * no secret) whose redirect URI is /admin/callback, assigned to Everyone, and granted the okta.* scopes. Whether a
 * person may administer is decided by their SUPER_ADMIN role, as for any org access token (admin/auth.ts).
 */
export const CONSOLE_APP_ID = "0oamintgateconsole00";
export const CONSOLE_CLIENT_ID = "mintgate-admin-console";
export const CONSOLE_LABEL = "Mintgate Admin Console";

export const callbackUri = (origin: string) => `${origin}/admin/callback`;

/** The console's app, created on first use and given this origin's redirect URI if it lacks it. */
export async function ensureConsoleClient(env: Env, origin: string, now: number): Promise<AppRecord> {
  const redirect = callbackUri(origin);
  const at = isoTime(now);
  const existing = await getApp(env.DB, CONSOLE_APP_ID);
  if (existing) {
    await grantAdminScopes(env, existing.id, origin, at);
    if (existing.settings.redirect_uris.includes(redirect)) return existing;
    const updated = await replaceApp(env.DB, {
      ...existing,
      settings: { ...existing.settings, redirect_uris: [...existing.settings.redirect_uris, redirect] },
      lastUpdated: at,
    });
    invalidate({ client: existing.clientId });
    return updated ?? existing;
  }
  let app: AppRecord;
  try {
    app = await insertApp(env.DB, {
      id: CONSOLE_APP_ID,
      clientId: CONSOLE_CLIENT_ID,
      label: CONSOLE_LABEL,
      status: "ACTIVE",
      tokenEndpointAuthMethod: "none",
      secretHash: null,
      secretSealed: null,
      settings: {
        application_type: "browser",
        redirect_uris: [redirect],
        post_logout_redirect_uris: [],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        consent_method: "TRUSTED",
        pkce_required: true,
      },
      jwks: null,
      created: at,
      lastUpdated: at,
    });
  } catch (err) {
    // Two first sign-ins at once: the other one created it.
    const raced = await getApp(env.DB, CONSOLE_APP_ID);
    if (!raced) throw err;
    return raced;
  }
  await assignGroup(env.DB, app.id, EVERYONE_GROUP_ID, undefined, at);
  await grantAdminScopes(env, app.id, origin, at);
  invalidate({ client: app.clientId });
  return app;
}

/** Every okta.* scope the admin API knows, granted to the console app (a newer release may add scopes). */
async function grantAdminScopes(env: Env, appId: string, origin: string, at: string): Promise<void> {
  const granted = new Set((await listGrants(env.DB, appId)).map((g) => g.scopeId));
  const missing = ADMIN_SCOPES.filter((s) => !granted.has(s));
  for (const scopeId of missing) {
    await saveGrant(env.DB, { id: newId("oag"), appId, scopeId, issuer: origin, created: at, lastUpdated: at });
  }
  if (missing.length) invalidate({ orgGrants: appId });
}
