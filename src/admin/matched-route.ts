import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env";
import { requiredScope } from "../tokens/route-scopes";

/**
 * The okta.* scope of the route Hono will run for this request. Hono matches every route (middleware and the handler)
 * before the first middleware runs, on the percent-decoded path; the handler is the last match registered for a
 * method (middleware is registered for ALL). Deciding from the raw URL let `/users/{id}/%72oles` reach the roles
 * handler with okta.users.manage (security finding 1). null when no handler matches (the answer is then 404).
 */
export function matchedRouteScope(c: Context<AppEnv>): string | null {
  const handler = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1);
  return handler ? requiredScope(c.req.method, handler.path) : null;
}
