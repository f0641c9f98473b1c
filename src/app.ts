import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { adminApp } from "./admin/app";
import { consoleApp } from "./console/app";
import type { WorkerFetch } from "./console/env";
import { clients } from "./admin/clients";
import { nowMs } from "./clock";
import type { AppEnv } from "./env";
import { ApiError, handleApiError } from "./errors";
import { oauthApp } from "./oauth/app";
import { rateLimits } from "./rate-limits";
import { requireOrgUrlOffLocal } from "./host-guard";

// The console reaches the admin API and the org server's endpoints through the Worker itself, in-process.
const worker: WorkerFetch = async (req, env, ctx) => app.fetch(req, env, ctx);

/** The whole Worker: the OAuth/OIDC endpoints and the admin API, each with its own error dialect. */
export const app = new Hono<AppEnv>()
  // c.get("requestId") names the request in log lines. Okta: every response carries it as X-Okta-Request-Id; set
  // after the handler, because hono/request-id's c.header() does not reach the pre-built Responses of
  // discovery, JWKS and CORS preflights. Okta generates its own id, so a client's header is not echoed.
  .use("*", requestId({ headerName: "" }))
  .use("*", async (c, next) => {
    // The clock is read once per request; handlers take c.get("now").
    c.set("now", nowMs());
    await next();
    c.res.headers.set("X-Okta-Request-Id", c.get("requestId"));
  })
  .use("*", requireOrgUrlOffLocal)
  .use("*", rateLimits)
  .route("/api/v1", adminApp)
  .route("/admin", consoleApp(worker))
  .route("/oauth2/v1/clients", clients)
  .route("/", oauthApp);

app.notFound(() => {
  throw new ApiError("E0000008");
});
app.onError(handleApiError);
