import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { handleOAuthError } from "../../errors";
import { pageErrors } from "../pages/errors";
import { pageSecurity } from "../pages/html";
import { cors } from "../request/cors";
import { formBodyLimit } from "../request/params";
import { activatePage, activationConfirm, activationSignIn, submitCode } from "./activate";
import { deviceAuthorizeEndpoint } from "./authorize-endpoint";

/** POST {prefix}/v1/device/authorize (RFC 8628 3.1): the OAuth dialect, CORS-enabled as Okta's. */
export function deviceAuthorization(prefix: string) {
  return new Hono<AppEnv>()
    .onError(handleOAuthError)
    .use(`${prefix}/v1/device/authorize`, cors, formBodyLimit)
    .post(`${prefix}/v1/device/authorize`, deviceAuthorizeEndpoint);
}

/** {org}/activate (Okta): the verification page people open on another device; the page dialect. */
export const activation = new Hono<AppEnv>()
  .onError(pageErrors("Device activation error"))
  .use("/activate", pageSecurity, formBodyLimit)
  .use("/activate/*", pageSecurity, formBodyLimit)
  .get("/activate", activatePage)
  .post("/activate", submitCode)
  .post("/activate/signin", activationSignIn)
  .post("/activate/confirm", activationConfirm);
