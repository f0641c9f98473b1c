import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { handleOAuthError, OAuthError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { generateClientSecret } from "../secrets";
import { insertApp, listApps, replaceApp, type AppRecord, type OAuthClientSettings } from "../store/apps";
import { deleteAppByClientId } from "../store/clients";
import { invalidate } from "../cache/invalidate";
import { AppInput, appRuleViolations, usesSecret } from "./app-schema";
import { storedSecret } from "./apps";
import { requireAdmin } from "./auth";
import { ClientMetadata, extraSettings, toAppInput, toClient } from "./client-schema";
import { clientSecrets } from "./client-secrets";
import { checkJsonContentType, requireJsonAccept } from "./media-types";
import { MAX_BODY_BYTES } from "./body";
import { linkPage, readPaging } from "./paging";
import { notFoundError, requireClient } from "./require";

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };

/** RFC 7591 3.2.2: a redirect URI problem is invalid_redirect_uri, any other invalid_client_metadata; Okta's wording. */
function metadataError(field: string, message: string): OAuthError {
  const top = field.replace(/^settings\.oauthClient\.|^credentials\.oauthClient\./, "").split(".")[0]!;
  const code = top === "redirect_uris" || top === "post_logout_redirect_uris" ? "invalid_redirect_uri" : "invalid_client_metadata";
  return new OAuthError(code, `\`${top}\`: ${message}`);
}

/** The body as Okta's Client, validated by the apps API's own schema and rules (one object, two shapes). */
async function readClient(c: Context<AppEnv>): Promise<{ metadata: ClientMetadata; input: AppInput }> {
  checkJsonContentType(c.req.header("Content-Type"));
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw new OAuthError("invalid_client_metadata", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new OAuthError("invalid_client_metadata", "The request body was not well-formed.");
  }
  const parsed = ClientMetadata.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw metadataError(issue.path.length ? issue.path.join(".") : "body", issue.message);
  }
  const asApp = AppInput.safeParse(toAppInput(parsed.data));
  if (!asApp.success) {
    const issue = asApp.error.issues[0]!;
    throw metadataError(issue.path.join("."), issue.message);
  }
  const violations = appRuleViolations(asApp.data);
  if (violations.length) {
    const [field, ...rest] = violations[0]!.split(": ");
    throw metadataError(field!, rest.join(": "));
  }
  return { metadata: parsed.data, input: asApp.data };
}

function settingsOf(metadata: ClientMetadata, input: AppInput): OAuthClientSettings {
  const { jwks: _jwks, ...o } = input.settings.oauthClient;
  return { ...o, ...extraSettings(metadata) };
}

const clientOf = (c: Context<AppEnv>): Promise<AppRecord> => requireClient(c.env, c.req.param("clientId")!);

/**
 * Okta's Dynamic Client Registration at {org}/oauth2/v1/clients (RFC 7591 / 7592 shapes): create, list, read,
 * replace and delete OAuth clients, the same objects /api/v1/apps manages, with the admin token or an org access
 * token carrying okta.clients.read / okta.clients.manage. Metadata errors are RFC 7591's; authentication and
 * not-found errors Okta's error object. newSecret (client-secrets.ts) is mounted beside.
 */
export const clients = new Hono<AppEnv>()
  .use("*", requireAdmin)
  .use("*", requireJsonAccept)
  .route("/", clientSecrets)
  .post("/", async (c) => {
    const { metadata, input } = await readClient(c);
    const method = input.credentials.oauthClient.token_endpoint_auth_method;
    // Okta: the client_id is the app id; it cannot be chosen here.
    const id = newId("0oa");
    const secret = usesSecret(method) ? generateClientSecret() : undefined;
    const stored = secret ? await storedSecret(c.env, id, method, secret) : { hash: null, sealed: null };
    const now = new Date(c.get("now")).toISOString();
    const app = await insertApp(c.env.DB, {
      id,
      clientId: id,
      label: input.label,
      status: "ACTIVE",
      tokenEndpointAuthMethod: method,
      secretHash: stored.hash,
      secretSealed: stored.sealed,
      settings: settingsOf(metadata, input),
      jwks: input.settings.oauthClient.jwks ?? null,
      created: now,
      lastUpdated: now,
    });
    invalidate({ client: app.clientId });
    return c.json(toClient(app, secret), 201, NO_STORE);
  })
  .get("/", async (c) => {
    const q = z.string().max(256).optional().safeParse(c.req.query("q"));
    const paging = readPaging(c, 20);
    const page = await listApps(c.env.DB, { q: q.success ? q.data : undefined, limit: paging.limit, afterSeq: paging.after });
    linkPage(c, `${orgBase(c.env, c.req.url)}/oauth2/v1/clients`, { q: q.success ? q.data : undefined }, paging, page);
    return c.json(page.items.map((a) => toClient(a)), 200, NO_STORE);
  })
  .get("/:clientId", async (c) => c.json(toClient(await clientOf(c)), 200, NO_STORE))
  .put("/:clientId", async (c) => {
    const existing = await clientOf(c);
    const { metadata, input } = await readClient(c);
    if (metadata.client_id !== undefined && metadata.client_id !== existing.clientId) {
      throw new OAuthError("invalid_client_metadata", "`client_id`: The client_id cannot be changed.");
    }
    const method = input.credentials.oauthClient.token_endpoint_auth_method;
    // RFC 7592 2.2: client_secret may be omitted (kept); a method that newly needs a secret gets a fresh one.
    let stored = { hash: existing.secretHash, sealed: existing.secretSealed };
    let newSecret: string | undefined;
    if (!usesSecret(method)) stored = { hash: null, sealed: null };
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
      settings: settingsOf(metadata, input),
      jwks: input.settings.oauthClient.jwks ?? null,
      lastUpdated: new Date(c.get("now")).toISOString(),
    });
    if (!app) throw notFoundError(existing.clientId, "Client");
    invalidate({ client: app.clientId });
    return c.json(toClient(app, newSecret), 200, NO_STORE);
  })
  .delete("/:clientId", async (c) => {
    const existing = await clientOf(c);
    // RFC 7592 2.3: the client is gone at once, with every token it holds (verification finds no client).
    if (!(await deleteAppByClientId(c.env.DB, existing.clientId))) throw notFoundError(existing.clientId, "Client");
    invalidate({ client: existing.clientId });
    return c.body(null, 204, NO_STORE);
  });

clients.onError(handleOAuthError);
