import { Hono } from "hono";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { handleApiError, validationError } from "../errors";
import { generateClientSecret } from "../secrets";
import { setAppSecret, type AppRecord } from "../store/apps";
import { usesSecret } from "./app-schema";
import { storedSecret } from "./apps";
import { invalidate } from "../cache/invalidate";
import { notFoundError, requireClient } from "./require";

/** Okta's Dynamic Client Registration Client object (REFERENCE 7.3). */
function toClient(a: AppRecord, secret: string) {
  const o = a.settings;
  return {
    client_id: a.clientId,
    client_id_issued_at: Math.floor(Date.parse(a.created) / 1000),
    client_name: a.label,
    client_secret: secret,
    client_secret_expires_at: 0,
    application_type: o.application_type,
    redirect_uris: o.redirect_uris,
    post_logout_redirect_uris: o.post_logout_redirect_uris,
    response_types: o.response_types,
    grant_types: o.grant_types,
    token_endpoint_auth_method: a.tokenEndpointAuthMethod,
    ...(a.jwks ? { jwks: a.jwks } : {}),
  };
}

/**
 * POST /oauth2/v1/clients/{clientId}/lifecycle/newSecret (Okta): a new client secret replaces the old one, which
 * stops working at once — in every isolate within the cache staleness bound, in this one immediately.
 */
// Authentication and Accept are checked by clients.ts, which mounts these routes.
export const clientSecrets = new Hono<AppEnv>()
  .post("/:clientId/lifecycle/newSecret", async (c) => {
    const existing = await requireClient(c.env, c.req.param("clientId"));
    if (!usesSecret(existing.tokenEndpointAuthMethod)) {
      throw validationError("Client", [`token_endpoint_auth_method: '${existing.tokenEndpointAuthMethod}' clients have no secret`]);
    }
    const secret = generateClientSecret();
    const stored = await storedSecret(c.env, existing.clientId, existing.tokenEndpointAuthMethod, secret);
    const app = await setAppSecret(c.env.DB, existing.id, stored, isoTime(c.get("now")));
    if (!app) throw notFoundError(existing.clientId, "Client");
    invalidate({ client: app.clientId });
    return c.json(toClient(app, secret), 200, { "Cache-Control": "no-store" });
  });

clientSecrets.onError(handleApiError);
