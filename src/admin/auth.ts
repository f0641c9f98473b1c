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
import { requiredScope, scopeSatisfies } from "../tokens/route-scopes";

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
async function checkApiToken(c: Context<AppEnv>, token: string): Promise<void> {
  const presented = await sha256Hex(token);
  const boot = await bootstrapHash(c.env);
  if (boot && timingSafeEqualStrings(presented, boot)) {
    if (!recorded.has(c.env)) {
      await saveApiToken(c.env.DB, { id: BOOTSTRAP_ID, name: "ADMIN_TOKEN", tokenHash: boot, created: isoTime(c.var.now) });
      recorded.add(c.env);
    }
    return;
  }
  const found = await findApiTokenByHash(c.env.DB, presented);
  if (!found || found.id === BOOTSTRAP_ID) throw new ApiError("E0000011");
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
async function checkOrgAccessToken(c: Context<AppEnv>, token: string): Promise<void> {
  const now = c.var.now;
  const base = orgBase(c.env, c.req.url);
  const claims = await verifyAccessToken(c.env, orgBundle(base), base, token, now);
  if (!claims) throw new ApiError("E0000011", undefined, [], challenge(base, "invalid_token", "The access token is invalid."));
  const needed = requiredScope(c.req.method, new URL(c.req.url).pathname);
  const granted = Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
  if (!needed || !scopeSatisfies(granted, needed)) {
    throw new ApiError("E0000006", undefined, [], challenge(base, "insufficient_scope", "The access token provided does not contain the required scopes.", needed ?? undefined));
  }
  if (typeof claims.uid === "string" && !(await hasRole(c.env.DB, claims.uid, SUPER_ADMIN))) {
    throw new ApiError("E0000006", undefined, ["The user has no administrator role that allows this action."]);
  }
}

/** Admin API authentication: `SSWS <api token>` or `Bearer <org access token>`; anything else is 401 E0000011. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("Authorization") ?? "";
  const ssws = /^SSWS +([\x21-\x7e]{1,512})$/.exec(header);
  const bearer = /^Bearer +([\x21-\x7e]{1,8192})$/i.exec(header);
  if (ssws) await checkApiToken(c, ssws[1]!);
  else if (bearer) await checkOrgAccessToken(c, bearer[1]!);
  else throw new ApiError("E0000011");
  await next();
};
