import { Hono } from "hono";
import { adminApp } from "./admin/app";
import { clientSecrets } from "./admin/client-secrets";
import type { AppEnv } from "./env";
import { ApiError, handleApiError } from "./errors";
import { oauthApp } from "./oauth/app";

/** The whole Worker: the OAuth/OIDC endpoints and the admin API, each with its own error dialect. */
export const app = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    // Okta: every response carries X-Okta-Request-Id.
    c.res.headers.set("X-Okta-Request-Id", crypto.randomUUID());
  })
  .route("/api/v1", adminApp)
  .route("/oauth2/v1/clients", clientSecrets)
  .route("/", oauthApp);

app.notFound(() => {
  throw new ApiError("E0000008");
});
app.onError(handleApiError);
