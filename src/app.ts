import { Hono } from "hono";
import { adminApp } from "./admin/app";
import type { AppEnv } from "./env";
import { ApiError, handleApiError } from "./errors";
import { oauthApp } from "./oauth/app";

/** The whole Worker: the OAuth/OIDC endpoints and the admin API, each with its own error dialect. */
export const app = new Hono<AppEnv>().route("/api/v1", adminApp).route("/", oauthApp);

app.notFound(() => {
  throw new ApiError("E0000008");
});
app.onError(handleApiError);
