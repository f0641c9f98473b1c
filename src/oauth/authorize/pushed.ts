import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError, PageError, RedirectError, type ResponseMode } from "../../errors";
import { sha256Hex } from "../../digest";
import { takePushedRequest } from "../../store/pushed-requests";
import type { AppRecord } from "../../store/apps";
import { cachedClient } from "../../cache/clients";
import type { ServerBundle } from "../../cache/server-bundle";
import { epochSeconds } from "../../clock";
import { authorizationIssuer } from "./iss";
import { checkClientAndRedirect } from "./request";
import { requestObjectParams } from "./request-object";
import { requiresDpop } from "../request/dpop-token";

/** RFC 9126 2.2: the request_uri prefix this server's PAR endpoint hands out. */
export const REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";

/** Whether the client must push its authorization requests (RFC 9126 6: require_pushed_authorization_requests). */
export const requiresPar = (client: AppRecord) => client.settings.require_pushed_authorization_requests === true;

async function activeClient(c: Context<AppEnv>, params: Map<string, string>): Promise<AppRecord> {
  const clientId = params.get("client_id");
  if (!clientId) throw new PageError("invalid_request", "The 'client_id' parameter is required.");
  const client = await cachedClient(c.env, clientId, c.get("now"));
  if (!client || client.status !== "ACTIVE") throw new PageError("invalid_client", "Invalid value for 'client_id' parameter.");
  return client;
}

/** The mode an early error goes back in: the one asked for when valid, else by response_type (Multiple Response Types 5). */
function errorMode(params: Map<string, string>): ResponseMode {
  const asked = params.get("response_mode");
  if (asked === "query" || asked === "fragment" || asked === "form_post") return asked;
  return (params.get("response_type") ?? "").split(" ").some((t) => t !== "" && t !== "code") ? "fragment" : "query";
}

/**
 * The authorization request's real parameters, before anything else reads them: a pushed request's (RFC 9126 4,
 * one use, this client, unexpired), a request object's (RFC 9101 5: its parameters and no others), or the query's.
 * A client that must use PAR is refused anything else. Failures here cannot trust a redirect_uri and are pages;
 * the PAR refusal, whose redirect_uri is checked first, goes back to the client.
 */
export async function resolveAuthorizeParams(c: Context<AppEnv>, bundle: ServerBundle, params: Map<string, string>): Promise<Map<string, string>> {
  const resolved = await pushedOrSigned(c, bundle, params);
  const client = resolved.get("client_id") ? await cachedClient(c.env, resolved.get("client_id")!, c.get("now")) : null;
  // RFC 9449: the authorization endpoint cannot bind a token to a key, so a client whose tokens must be DPoP-bound
  // gets none from it; the code flow binds them at the token endpoint.
  if (client && requiresDpop(client) && (resolved.get("response_type") ?? "").split(" ").includes("token")) {
    const redirectUri = checkClientAndRedirect(client, resolved);
    const error = new OAuthError("unsupported_response_type", "The client requires DPoP-bound access tokens, which only the token endpoint issues: use the code flow.");
    throw new RedirectError(error, redirectUri, errorMode(resolved), resolved.get("state"));
  }
  return resolved;
}

async function pushedOrSigned(c: Context<AppEnv>, bundle: ServerBundle, params: Map<string, string>): Promise<Map<string, string>> {
  const requestUri = params.get("request_uri");
  if (requestUri !== undefined) {
    if (params.has("request")) throw new PageError("invalid_request", "The 'request' and 'request_uri' parameters cannot both be used.");
    const client = await activeClient(c, params);
    const stored = requestUri.startsWith(REQUEST_URI_PREFIX)
      ? await takePushedRequest(c.env.DB, await sha256Hex(requestUri), bundle.server.id, client.clientId, epochSeconds(c.get("now")))
      : null;
    if (!stored) throw new PageError("invalid_request_uri", "The 'request_uri' is invalid, expired, already used, or was issued to another client.");
    return new Map(stored);
  }
  const client = params.get("client_id") ? await activeClient(c, params) : null;
  if (client && requiresPar(client)) {
    const redirectUri = checkClientAndRedirect(client, params);
    const error = new OAuthError("invalid_request", "This client must use a pushed authorization request (request_uri from the PAR endpoint).");
    throw new RedirectError(error, redirectUri, errorMode(params), params.get("state"));
  }
  const request = params.get("request");
  if (request === undefined || !client) return params;
  try {
    return await requestObjectParams(c.env, client, request, await authorizationIssuer(c), c.get("now"));
  } catch (err) {
    throw err instanceof OAuthError ? new PageError(err.error, err.description) : err;
  }
}
