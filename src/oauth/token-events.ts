/**
 * The System Log events of the token endpoint (Okta's catalog): one app.oauth2.as.token.grant.<token> per token
 * issued (access_token, id_token, refresh_token; client_credentials is the access_token event with the grant type in
 * debugData, as Okta has no event of its own for it), and app.oauth2.as.token.grant with outcome FAILURE and the
 * OAuth error as the reason when the request is refused. The org server's are the same without ".as".
 */
import type { ServerBundle } from "../cache/server-bundle";
import type { OAuthError } from "../errors";
import { ORG_SERVER_ID } from "../issuer";
import { actorOf, type Actor, type EventInput, type Target } from "../log/event";
import { sharedForLog } from "../log/wire";
import type { AppRecord } from "../store/apps";
import type { TokenResponse } from "./grants/grant";

export const eventPrefix = (bundle: ServerBundle) => (bundle.server.id === ORG_SERVER_ID ? "app.oauth2." : "app.oauth2.as.");

export const clientActor = (client: AppRecord): Actor => actorOf(client.clientId, "PublicClientApp", client.clientId, client.label);

export const serverTarget = (bundle: ServerBundle): Target => ({
  id: bundle.server.id,
  type: "AuthorizationServer",
  alternateId: bundle.server.id === ORG_SERVER_ID ? "org" : bundle.server.name,
  displayName: bundle.server.id === ORG_SERVER_ID ? "org" : bundle.server.name,
  detailEntry: null,
});

/** The uid of a person's access token, read from its payload (the token was just signed here). */
function userOf(accessToken: string): string | null {
  const payload = accessToken.split(".")[1];
  if (!payload) return null;
  const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { uid?: unknown };
  return typeof claims.uid === "string" ? claims.uid : null;
}

function issuedEvents(bundle: ServerBundle, client: AppRecord, grantType: string, body: TokenResponse, uid: string | null): EventInput[] {
  const prefix = eventPrefix(bundle);
  const target: Target[] = [serverTarget(bundle), ...(uid ? [actorOf(uid, "User")] : [])];
  const common = { actor: clientActor(client), clientId: client.clientId, target, debugData: { grantType, grantedScopes: body.scope } };
  const tokens: Array<[keyof TokenResponse, string, string]> = [
    ["access_token", "access_token", "OAuth2 access token is granted"],
    ["id_token", "id_token", "OAuth2 id token is granted"],
    ["refresh_token", "refresh_token", "OAuth2 refresh token is granted"],
  ];
  return tokens
    .filter(([field]) => body[field] !== undefined)
    .map(([, kind, displayMessage]) => ({ ...common, eventType: `${prefix}token.grant.${kind}`, displayMessage, ...(kind === "access_token" ? { debugData: { ...common.debugData, expiresIn: body.expires_in } } : {}) }));
}

/**
 * The events of tokens issued to a client alone (client_credentials) are the same for every request of that client
 * with the same scopes at the same server: made once per server bundle and client (both replaced when an admin
 * changes them) and shared, so the System Log encodes them once (log/wire.ts sharedForLog; issue 13's cost on the
 * hottest path). A client asking for ever new scope sets only turns its table over.
 */
const clientOnlyEvents = new WeakMap<ServerBundle, WeakMap<AppRecord, Map<string, EventInput[]>>>();
const MAX_SHARED_PER_CLIENT = 16;

function sharedClientEvents(bundle: ServerBundle, client: AppRecord, grantType: string, body: TokenResponse): EventInput[] {
  let byClient = clientOnlyEvents.get(bundle);
  if (!byClient) clientOnlyEvents.set(bundle, (byClient = new WeakMap()));
  let table = byClient.get(client);
  if (!table) byClient.set(client, (table = new Map()));
  const key = `${grantType} ${body.scope ?? ""} ${body.expires_in} ${body.id_token !== undefined} ${body.refresh_token !== undefined}`;
  let events = table.get(key);
  if (!events) {
    if (table.size >= MAX_SHARED_PER_CLIENT) table.clear();
    events = issuedEvents(bundle, client, grantType, body, null).map(sharedForLog);
    table.set(key, events);
  }
  return events;
}

export function tokenIssuedEvents(bundle: ServerBundle, client: AppRecord, grantType: string, body: TokenResponse): EventInput[] {
  if (grantType === "client_credentials") return sharedClientEvents(bundle, client, grantType, body);
  return issuedEvents(bundle, client, grantType, body, userOf(body.access_token));
}

/** The client_id a request names, in its form or its Basic credentials (RFC 6749 2.3.1), for the log only. */
export function presentedClientId(authorization: string | undefined, params: Map<string, string> | null): string | null {
  const fromForm = params?.get("client_id");
  if (fromForm) return fromForm;
  const basic = /^Basic +([A-Za-z0-9+/=]{1,2048})$/i.exec(authorization ?? "");
  if (!basic) return null;
  try {
    const id = atob(basic[1]!).split(":")[0]!;
    return decodeURIComponent(id).slice(0, 100) || null;
  } catch {
    // Not base64 or not percent-encoding: the request named no client we can tell.
    return null;
  }
}

export function tokenRefusedEvent(bundle: ServerBundle, client: AppRecord | null, clientId: string | null, grantType: string | null, err: OAuthError): EventInput {
  return {
    eventType: `${eventPrefix(bundle)}token.grant`,
    displayMessage: "OAuth2 token request",
    outcome: { result: "FAILURE", reason: err.error },
    ...(client ? { actor: clientActor(client) } : clientId ? { actor: actorOf(clientId, "PublicClientApp", clientId) } : {}),
    clientId: client?.clientId ?? clientId,
    target: [serverTarget(bundle)],
    debugData: { grantType, error: err.error, errorDescription: err.description },
  };
}
