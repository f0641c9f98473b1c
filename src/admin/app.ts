import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, handleApiError } from "../errors";
import { requireApiToken } from "./auth";
import { authorizationServers } from "./authorization-servers";
import { signingKeys } from "./signing-keys";

/** Okta's management API under /api/v1. Every error leaves through handleApiError in Okta's dialect. */
export const adminApp = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    // Okta: every response carries X-Okta-Request-Id; admin responses are never cached.
    c.header("X-Okta-Request-Id", crypto.randomUUID());
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  })
  .use("*", requireApiToken)
  .route("/authorizationServers", authorizationServers)
  .route("/authorizationServers", signingKeys);

adminApp.notFound(() => {
  throw new ApiError("E0000008");
});
adminApp.onError(handleApiError);
