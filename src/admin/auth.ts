import type { Context, MiddlewareHandler } from "hono";
import { isoTime } from "../clock";
import { config, type AppEnv, type Env } from "../env";
import { ApiError } from "../errors";
import { sha256Hex, timingSafeEqualStrings } from "../digest";
import { orgBase } from "../issuer";
import { orgBundle } from "../tokens/org-server";
import { verifyAccessToken } from "../tokens/verify-access-token";
import { hasRole } from "../store/admin-access";
import { findApiTokenByHash, saveApiToken } from "../store/api-tokens";
import { scopeSatisfies } from "../tokens/route-scopes";
import { matchedRouteScope } from "./matched-route";
import { actorOf, type Actor } from "../log/event";

const BOOTSTRAP_ID = "bootstrap";
export const SUPER_ADMIN = "SUPER_ADMIN";
// Settled digests only: no pending promise is shared between requests (see isolate-cache.ts).
const bootstrapHashes = new WeakMap<Env, string | null>();
const recorded = new WeakSet<Env>();

async function bootstrapHash(env: Env): Promise<string | null> {
  if (bootstrapHashes.has(env)) return bootstrapHashes.get(env)!;
  const token = config(env).ADMIN_TOKEN;
  const hash = token ? await sha256Hex(token) : null;
  bootstrapHashes.set(env, hash);
  return hash;
}

/**
 * Okta API tokens: `SSWS <token>`. Tokens are looked up by their SHA-256 digest, so the stored value is never the
 * token. The bootstrap token (ADMIN_TOKEN) is compared in constant time and recorded, hashed, in api_tokens; a
 * replaced ADMIN_TOKEN stops working at once.
 */
async function checkApiToken(c: Context<AppEnv>, token: string): Promise<Actor> {
  const presented = await sha256Hex(token);
  const boot = await bootstrapHash(c.env);
  if (boot && timingSafeEqualStrings(presented, boot)) {
    if (!recorded.has(c.env)) {
      await saveApiToken(c.env.DB, { id: BOOTSTRAP_ID, name: "ADMIN_TOKEN", tokenHash: boot, created: isoTime(c.get("now")) });
      recorded.add(c.env);
    }
    return actorOf(BOOTSTRAP_ID, "ApiToken", "ADMIN_TOKEN", "ADMIN_TOKEN");
  }
  const found = await findApiTokenByHash(c.env.DB, presented);
  if (!found || found.id === BOOTSTRAP_ID) throw new ApiError("E0000011");
  return actorOf(found.id, "ApiToken", found.name, found.name);
}

/** RFC 6750 3: the challenge Okta sends with admin API errors for bearer tokens. */
function challenge(base: string, error: string, description: string, scope?: string): Record<string, string> {
  const parts = [`authorization_uri="${base}/oauth2/v1/authorize"`, `realm="${base}"`, ...(scope ? [`scope="${scope}"`] : []), `error="${error}"`, `error_description="${description}"`];
  return { "WWW-Authenticate": `Bearer ${parts.join(", ")}` };
}

/**
 * OAuth 2.0 for the admin API (Okta): an access token of the org authorization server — never a custom server's —
 * carrying the scope the route needs (ROUTE_SCOPES). A token for a person allows only what the person may do:
 * without an admin role, nothing.
 */
async function checkOrgAccessToken(c: Context<AppEnv>, token: string): Promise<Actor> {
  const now = c.get("now");
  const base = orgBase(c.env, c.req.url);
  const claims = await verifyAccessToken(c.env, orgBundle(base), base, token, now);
  if (!claims) throw new ApiError("E0000011", undefined, [], challenge(base, "invalid_token", "The access token is invalid."));
  // RFC 9449 7: a DPoP-bound token is worth nothing without its proof, which the admin API does not take (yet).
  if (claims.cnf !== undefined) throw new ApiError("E0000011", undefined, [], challenge(base, "invalid_token", "The access token is invalid."));
  // Security finding 1: the scope follows the route Hono matched, never the raw path (`/%72oles` routes to /roles).
  const needed = matchedRouteScope(c);
  const granted = Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
  if (!needed || !scopeSatisfies(granted, needed)) {
    throw new ApiError("E0000006", undefined, [], challenge(base, "insufficient_scope", "The access token provided does not contain the required scopes.", needed ?? undefined));
  }
  if (typeof claims.uid === "string" && !(await hasRole(c.env.DB, claims.uid, SUPER_ADMIN))) {
    throw new ApiError("E0000006", undefined, ["The user has no administrator role that allows this action."]);
  }
  c.set("adminCaller", { kind: typeof claims.uid === "string" ? "person" : "service", scopes: granted });
  // Okta: the actor is the person the token was issued to, or the service client acting for itself.
  if (typeof claims.uid === "string") return actorOf(claims.uid, "User", typeof claims.sub === "string" ? claims.sub : null, null);
  return actorOf(String(claims.cid ?? claims.sub), "PublicClientApp", String(claims.cid ?? claims.sub), null);
}

/** Admin API authentication: `SSWS <api token>` or `Bearer <org access token>`; anything else is 401 E0000011. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("Authorization") ?? "";
  const ssws = /^SSWS +([\x21-\x7e]{1,512})$/.exec(header);
  const bearer = /^Bearer +([\x21-\x7e]{1,8192})$/i.exec(header);
  if (ssws) {
    c.set("actor", await checkApiToken(c, ssws[1]!));
    // Okta: an API token acts with its creator's (a super admin's) permissions.
    c.set("adminCaller", { kind: "apiToken", scopes: [] });
  } else if (bearer) c.set("actor", await checkOrgAccessToken(c, bearer[1]!));
  else throw new ApiError("E0000011");
  await next();
};
