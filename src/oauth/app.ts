import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { handleOAuthError } from "../errors";
import { issuerOf, orgBase } from "../issuer";
import { buildMetadata, type MetadataKind } from "./endpoints/discovery";
import { authorizeEndpoint, consentEndpoint, signInEndpoint } from "./authorize/endpoint";
import { formBodyLimit } from "./request/params";
import { cors } from "./request/cors";
import { ORG_GRANT_TYPES_SUPPORTED, SERVED_ENDPOINTS } from "./endpoints/served";
import { activation, deviceAuthorization } from "./device/routes";
import { orgBundle } from "../tokens/org-server";
import type { ServerBundle } from "../cache/server-bundle";
import { introspectEndpoint } from "./endpoints/introspect";
import { logoutEndpoint } from "./endpoints/logout";
import { userinfoEndpoint } from "./endpoints/userinfo";
import { jwksConditional, serveJwks } from "./endpoints/jwks";
import { revokeEndpoint } from "./endpoints/revoke";
import { tokenEndpoint } from "./endpoints/token";
import { parEndpoint } from "./endpoints/par";
import { activeServer } from "./request/server-context";
import { pageErrors } from "./pages/errors";
import { pageSecurity } from "./pages/html";
import { withAuthorizationIssuer } from "./authorize/iss";


const DISCOVERY_CACHE = "public, max-age=300";
const ALL_ENDPOINTS = Object.keys(SERVED_ENDPOINTS) as Array<keyof typeof SERVED_ENDPOINTS>;

// Serialized documents, per loaded bundle (a reload or an admin write brings a new bundle object) and issuer.
const documents = new WeakMap<ServerBundle, Map<string, string>>();

/** Discovery is served from a string built once per bundle and issuer: no object building or JSON per request. */
function metadataResponse(bundle: ServerBundle, kind: MetadataKind, issuer: string, endpointBase: string, org: string, grantTypes?: readonly string[]): Response {
  let byIssuer = documents.get(bundle);
  if (!byIssuer) documents.set(bundle, (byIssuer = new Map()));
  const key = `${kind} ${issuer} ${org}`;
  let body = byIssuer.get(key);
  if (body === undefined) {
    // Okta: only scopes with metadataPublish ALL_CLIENTS appear in scopes_supported.
    const scopes = bundle.scopes.filter((s) => s.metadataPublish === "ALL_CLIENTS").map((s) => s.name);
    body = JSON.stringify(buildMetadata(kind, { issuer, endpointBase, scopes, served: ALL_ENDPOINTS, signingAlg: bundle.server.signingAlg, registrationEndpoint: `${org}/oauth2/v1/clients`, grantTypes }));
    if (byIssuer.size > 16) byIssuer.clear();
    byIssuer.set(key, body);
  }
  return new Response(body, { status: 200, headers: { "Content-Type": "application/json", "Cache-Control": DISCOVERY_CACHE } });
}

async function customMetadata(c: Context<AppEnv>, kind: MetadataKind): Promise<Response> {
  const bundle = await activeServer(c);
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  return metadataResponse(bundle, kind, issuer, `${issuer}/v1`, orgBase(c.env, c.req.url));
}

function orgMetadata(c: Context<AppEnv>, kind: MetadataKind): Response {
  const base = orgBase(c.env, c.req.url);
  return metadataResponse(orgBundle(base), kind, base, `${base}/oauth2/v1`, base, ORG_GRANT_TYPES_SUPPORTED);
}

/** The endpoints clients and resource servers call, for the org server and custom servers alike: the OAuth dialect. */
function clientEndpoints(prefix: string) {
  // Set before mounting: Hono wraps a sub-app's routes in the handler it has when it is mounted.
  return new Hono<AppEnv>()
    .onError(handleOAuthError)
    .use(`${prefix}/v1/keys`, cors, jwksConditional)
    .use(`${prefix}/v1/token`, cors, formBodyLimit)
    .use(`${prefix}/v1/introspect`, cors, formBodyLimit)
    .use(`${prefix}/v1/revoke`, cors, formBodyLimit)
    .use(`${prefix}/v1/userinfo`, cors, formBodyLimit)
    .use(`${prefix}/v1/par`, cors, formBodyLimit)
    .get(`${prefix}/v1/keys`, async (c) => serveJwks(c, (await activeServer(c)).server.id))
    .post(`${prefix}/v1/token`, tokenEndpoint)
    .post(`${prefix}/v1/par`, parEndpoint)
    .post(`${prefix}/v1/introspect`, introspectEndpoint)
    .post(`${prefix}/v1/revoke`, revokeEndpoint)
    .on(["GET", "POST"], `${prefix}/v1/userinfo`, userinfoEndpoint);
}

/** The endpoints people's browsers visit: the page dialect, with authorization errors sent back to the client. */
function pageEndpoints(prefix: string) {
  const signIn = new Hono<AppEnv>()
    .onError(pageErrors("Sign-in error"))
    .use(`${prefix}/v1/authorize`, pageSecurity, formBodyLimit, withAuthorizationIssuer)
    .use(`${prefix}/v1/authorize/*`, pageSecurity, formBodyLimit, withAuthorizationIssuer)
    .on(["GET", "POST"], `${prefix}/v1/authorize`, authorizeEndpoint)
    .post(`${prefix}/v1/authorize/signin`, signInEndpoint)
    .post(`${prefix}/v1/authorize/consent`, consentEndpoint);
  const signOut = new Hono<AppEnv>()
    .onError(pageErrors("Sign-out error"))
    .use(`${prefix}/v1/logout`, pageSecurity, formBodyLimit)
    .on(["GET", "POST"], `${prefix}/v1/logout`, logoutEndpoint);
  return new Hono<AppEnv>().route("/", signIn).route("/", signOut);
}

export const oauthApp = new Hono<AppEnv>()
  .onError(handleOAuthError)
  .use("/.well-known/*", cors)
  .use("/oauth2/:serverId/.well-known/*", cors)
  .get("/.well-known/openid-configuration", (c) => orgMetadata(c, "openid-configuration"))
  .get("/.well-known/oauth-authorization-server", (c) => orgMetadata(c, "oauth-authorization-server"))
  // RFC 8414 section 3.1: the well-known suffix inserted before the issuer's path.
  .get("/.well-known/oauth-authorization-server/oauth2/:serverId", (c) => customMetadata(c, "oauth-authorization-server"))
  .get("/oauth2/:serverId/.well-known/openid-configuration", (c) => customMetadata(c, "openid-configuration"))
  .get("/oauth2/:serverId/.well-known/oauth-authorization-server", (c) => customMetadata(c, "oauth-authorization-server"))
  .route("/", clientEndpoints("/oauth2"))
  .route("/", clientEndpoints("/oauth2/:serverId"))
  .route("/", pageEndpoints("/oauth2"))
  .route("/", pageEndpoints("/oauth2/:serverId"))
  .route("/", deviceAuthorization("/oauth2"))
  .route("/", deviceAuthorization("/oauth2/:serverId"))
  .route("/", activation);
