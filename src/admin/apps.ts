import { Hono, type Context } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import { config, type AppEnv, type Env } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { seal } from "../seal";
import { generateClientSecret, hashSecret } from "../secrets";
import {
  deleteInactiveApp,
  getAppByClientId,
  insertApp,
  listApps,
  replaceApp,
  setAppStatus,
  type OAuthClientSettings,
} from "../store/apps";
import { AppInput, appRuleViolations, OpenIdConnectApplication, toApp, usesSecret } from "./app-schema";
import { EmptyObject, PagingQuery, type Operation } from "./openapi";
import { readBody, readQuery } from "./body";
import { linkPage, readPaging } from "./paging";
import { invalidate } from "../cache/invalidate";
import { requireApp, notFoundError } from "./require";
import { epochSeconds } from "../clock";
import { LONGEST_ACCESS_TOKEN_SECONDS } from "../store/retention";
import { forgetDeletedClient, isRetiredClientId } from "../store/token-revocation";
import { forgetClientEverywhere, revokeWhere } from "../sessions/fan-out";

const SearchQuery = z.object({ q: z.string().max(256).optional() });

/** client_secret_jwt verifies HMACs with the secret itself, so only for that method is it also kept, sealed. */
export async function storedSecret(env: Env, clientId: string, method: string, secret: string) {
  return {
    hash: await hashSecret(secret),
    sealed: method === "client_secret_jwt" ? await seal(config(env).KEY_ENCRYPTION_SECRET, "client-secret", clientId, secret) : null,
  };
}

function settingsOf(input: AppInput): OAuthClientSettings {
  const { jwks: _jwks, ...o } = input.settings.oauthClient;
  const pkce = input.credentials.oauthClient.pkce_required;
  return { ...o, ...(pkce === undefined ? {} : { pkce_required: pkce }) };
}

async function readApp(c: Context<AppEnv>): Promise<AppInput> {
  const input = await readBody(c, AppInput, "App");
  const violations = appRuleViolations(input);
  if (violations.length) throw validationError("App", violations);
  return input;
}

const CreateQuery = z.object({ activate: z.enum(["true", "false"]).optional() });

export const appOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listApplications", summary: "List all OIDC applications", query: SearchQuery.extend(PagingQuery.shape), status: 200, response: z.array(OpenIdConnectApplication) },
  { method: "post", path: "/", operationId: "createApplication", summary: "Create an OIDC application (the client secret is in this response only)", query: CreateQuery, body: AppInput, status: 201, response: OpenIdConnectApplication },
  { method: "get", path: "/:id", operationId: "getApplication", summary: "Retrieve an application", status: 200, response: OpenIdConnectApplication },
  { method: "put", path: "/:id", operationId: "replaceApplication", summary: "Replace an application", body: AppInput, status: 200, response: OpenIdConnectApplication },
  { method: "delete", path: "/:id", operationId: "deleteApplication", summary: "Delete an INACTIVE application", status: 204 },
  { method: "post", path: "/:id/lifecycle/activate", operationId: "activateApplication", summary: "Activate an application", status: 200, response: EmptyObject },
  { method: "post", path: "/:id/lifecycle/deactivate", operationId: "deactivateApplication", summary: "Deactivate an application", status: 200, response: EmptyObject },
];

export const apps = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { q } = readQuery(c, SearchQuery, "App");
    // Okta: the apps list defaults to 20, at most 200.
    const paging = readPaging(c, 20);
    const page = await listApps(c.env.DB, { q, limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/apps`, { q }, paging, page);
    return c.json(page.items.map((a) => toApp(a, base)));
  })
  .post("/", async (c) => {
    const input = await readApp(c);
    const method = input.credentials.oauthClient.token_endpoint_auth_method;
    const id = newId("0oa");
    // Okta: the client_id is the app id unless the admin sets one.
    const clientId = input.credentials.oauthClient.client_id ?? id;
    if (await getAppByClientId(c.env.DB, clientId)) {
      throw validationError("App", ["credentials.oauthClient.client_id: is already in use"]);
    }
    // Okta: tokens of a deleted app must not come back to life under a new app with its client_id.
    if (await isRetiredClientId(c.env.DB, clientId, epochSeconds(c.get("now")))) {
      throw validationError("App", ["credentials.oauthClient.client_id: belonged to a deleted application whose tokens may still be valid; it can be used again one day after the deletion"]);
    }
    const secret = usesSecret(method) ? (input.credentials.oauthClient.client_secret ?? generateClientSecret()) : undefined;
    const stored = secret ? await storedSecret(c.env, clientId, method, secret) : { hash: null, sealed: null };
    const now = isoTime(c.get("now"));
    const app = await insertApp(c.env.DB, {
      id,
      clientId,
      label: input.label,
      status: c.req.query("activate") === "false" ? "INACTIVE" : "ACTIVE",
      tokenEndpointAuthMethod: method,
      secretHash: stored.hash,
      secretSealed: stored.sealed,
      settings: settingsOf(input),
      jwks: input.settings.oauthClient.jwks ?? null,
      created: now,
      lastUpdated: now,
    });
    // This isolate may have cached that the client_id did not exist.
    invalidate({ client: app.clientId });
    return c.json(toApp(app, orgBase(c.env, c.req.url), secret), 201);
  })
  .get("/:id", async (c) => c.json(toApp(await requireApp(c.env, c.req.param("id")), orgBase(c.env, c.req.url))))
  .put("/:id", async (c) => {
    const existing = await requireApp(c.env, c.req.param("id"));
    const input = await readApp(c);
    const method = input.credentials.oauthClient.token_endpoint_auth_method;
    if (input.credentials.oauthClient.client_id && input.credentials.oauthClient.client_id !== existing.clientId) {
      throw validationError("App", ["credentials.oauthClient.client_id: cannot be changed"]);
    }
    // A secret is kept across a replace that does not set one, unless the new method has no secret.
    let stored = { hash: existing.secretHash, sealed: existing.secretSealed };
    let newSecret: string | undefined;
    if (!usesSecret(method)) stored = { hash: null, sealed: null };
    else if (input.credentials.oauthClient.client_secret) stored = await storedSecret(c.env, existing.clientId, method, input.credentials.oauthClient.client_secret);
    else if (!existing.secretHash || (method === "client_secret_jwt" && !existing.secretSealed)) {
      newSecret = generateClientSecret();
      stored = await storedSecret(c.env, existing.clientId, method, newSecret);
    }
    const app = await replaceApp(c.env.DB, {
      id: existing.id,
      label: input.label,
      tokenEndpointAuthMethod: method,
      secretHash: stored.hash,
      secretSealed: stored.sealed,
      settings: settingsOf(input),
      jwks: input.settings.oauthClient.jwks ?? null,
      lastUpdated: isoTime(c.get("now")),
    });
    if (!app) throw notFoundError(existing.id, "App");
    invalidate({ client: app.clientId });
    return c.json(toApp(app, orgBase(c.env, c.req.url), newSecret));
  })
  .delete("/:id", async (c) => {
    const app = await requireApp(c.env, c.req.param("id"));
    // Okta: an ACTIVE app must be deactivated before it can be deleted.
    if (!(await deleteInactiveApp(c.env.DB, app.id))) {
      throw new ApiError("E0000056", undefined, ["Deactivate the application before deleting it."]);
    }
    // Okta: its refresh tokens, consents and client-assertion records go with it; the client_id stays retired.
    await forgetClientEverywhere(c.env, app.clientId, epochSeconds(c.get("now")));
    await forgetDeletedClient(c.env.DB, app.clientId, epochSeconds(c.get("now")), epochSeconds(c.get("now")) + LONGEST_ACCESS_TOKEN_SECONDS);
    invalidate({ client: app.clientId });
    return c.body(null, 204);
  })
  .post("/:id/lifecycle/activate", async (c) => {
    const app = await setAppStatus(c.env.DB, c.req.param("id"), "ACTIVE", isoTime(c.get("now")));
    if (!app) throw notFoundError(c.req.param("id"), "App");
    invalidate({ client: app.clientId });
    return c.json({});
  })
  .post("/:id/lifecycle/deactivate", async (c) => {
    const app = await setAppStatus(c.env.DB, c.req.param("id"), "INACTIVE", isoTime(c.get("now")));
    if (!app) throw notFoundError(c.req.param("id"), "App");
    // Okta: deactivating an app revokes its refresh tokens and the access tokens they issued.
    await revokeWhere(c.env, { by: "client", clientId: app.clientId }, epochSeconds(c.get("now")));
    invalidate({ client: app.clientId });
    return c.json({});
  });
