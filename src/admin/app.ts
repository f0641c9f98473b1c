import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError, handleApiError } from "../errors";
import { appAssignments } from "./app-assignments";
import { appGrants } from "./app-grants";
import { apps } from "./apps";
import { requireAdmin } from "./auth";
import { requireJsonAccept } from "./media-types";
import { authorizationServers } from "./authorization-servers";
import { associatedServers } from "./associated-servers";
import { claims } from "./claims";
import { OPERATION_GROUPS, serveDocument } from "./document";
import { auditWrites } from "./audit";
import { eventHooks } from "./event-hooks";
import { inlineHooks } from "./inline-hooks";
import { logs } from "./logs";
import { groups } from "./groups";
import { policies } from "./policies";
import { rules } from "./rules";
import { scopes } from "./scopes";
import { signingKeys } from "./signing-keys";
import { trustedOrigins } from "./trusted-origins";
import { userGrants } from "./user-grants";
import { userRoles } from "./user-roles";
import { users } from "./users";
import { serverClients } from "./server-clients";
import { userClients } from "./user-clients";
import { userSessions } from "./user-sessions";
import { userUnlock } from "./user-unlock";
import { passwordPolicies } from "./password-policies";

/**
 * Okta: the org authorization server cannot be customised — no audience, scopes, claims or policies of its own — and
 * its keys rotate automatically only. It is not one of the custom servers; writes naming it get a clear refusal.
 */
const refuseOrgServer: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const keys = c.req.path.includes("/credentials/");
  throw new ApiError("E0000006", undefined, [
    keys
      ? "The org authorization server's signing keys rotate automatically and cannot be rotated manually."
      : "The org authorization server cannot be customized: it has no custom audience, scopes, claims or policies.",
  ]);
};

/** Okta's management API under /api/v1. Every error leaves through handleApiError in Okta's dialect. */
export const adminApp = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    // Admin responses are never cached.
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  })
  // The document describes the API and holds no data: readable without a token, as Okta publishes its own.
  .get("/openapi.json", serveDocument)
  .use("*", requireAdmin)
  .use("*", requireJsonAccept)
  // After requireAdmin, so that the event's actor is the caller.
  .use("*", auditWrites(() => OPERATION_GROUPS))
  .use("/authorizationServers/org", refuseOrgServer)
  .use("/authorizationServers/org/*", refuseOrgServer)
  .route("/authorizationServers", authorizationServers)
  .route("/authorizationServers", signingKeys)
  .route("/authorizationServers", scopes)
  .route("/authorizationServers", claims)
  .route("/authorizationServers", policies)
  .route("/authorizationServers", rules)
  .route("/authorizationServers", serverClients)
  .route("/authorizationServers", associatedServers)
  .route("/apps", appGrants)
  .route("/apps", apps)
  .route("/apps", appAssignments)
  .route("/users", userUnlock)
  .route("/users", userRoles)
  .route("/users", userGrants)
  .route("/users", userClients)
  .route("/users", userSessions)
  .route("/users", users)
  .route("/groups", groups)
  .route("/trustedOrigins", trustedOrigins)
  .route("/policies", passwordPolicies)
  .route("/logs", logs)
  .route("/eventHooks", eventHooks)
  .route("/inlineHooks", inlineHooks);

adminApp.notFound(() => {
  throw new ApiError("E0000008");
});
adminApp.onError(handleApiError);
