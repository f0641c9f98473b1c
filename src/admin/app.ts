import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, handleApiError } from "../errors";
import { appAssignments } from "./app-assignments";
import { apps } from "./apps";
import { requireApiToken } from "./auth";
import { authorizationServers } from "./authorization-servers";
import { claims } from "./claims";
import { groups } from "./groups";
import { policies } from "./policies";
import { rules } from "./rules";
import { scopes } from "./scopes";
import { signingKeys } from "./signing-keys";
import { trustedOrigins } from "./trusted-origins";
import { users } from "./users";

/** Okta's management API under /api/v1. Every error leaves through handleApiError in Okta's dialect. */
export const adminApp = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    // Admin responses are never cached.
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  })
  .use("*", requireApiToken)
  .route("/authorizationServers", authorizationServers)
  .route("/authorizationServers", signingKeys)
  .route("/authorizationServers", scopes)
  .route("/authorizationServers", claims)
  .route("/authorizationServers", policies)
  .route("/authorizationServers", rules)
  .route("/apps", apps)
  .route("/apps", appAssignments)
  .route("/users", users)
  .route("/groups", groups)
  .route("/trustedOrigins", trustedOrigins);

adminApp.notFound(() => {
  throw new ApiError("E0000008");
});
adminApp.onError(handleApiError);
