import type { Context } from "hono";
import { isoTime } from "../../clock";
import type { AppEnv } from "../../env";
import { OAuthError, PageError, RedirectError } from "../../errors";
import { timingSafeEqualStrings } from "../../digest";
import { saveConsent } from "../../store/consents";
import { personOfResults, personStatements } from "../../store/person-at-app";
import { cachedClient } from "../../cache/clients";
import { CSRF_COOKIE, readCookie } from "../request/cookies";
import { requestParams } from "../request/params";
import { activeServer } from "../request/server-context";
import { currentSession, newSession } from "../request/session";
import { runAuthorize } from "./flow";
import { CODE_LIFETIME_SECONDS } from "./issue";
import { resolveScopes } from "../minting/scopes";
import { newHolder, type Holder } from "../../sessions/client";
import { forgetUnusedHolder, holderRowAtSignIn } from "../../sessions/register";
import { executionCtxOf } from "../../execution-ctx";
import { longestRefreshLifetimeSeconds } from "../../policy/evaluate";
import type { ServerBundle } from "../../cache/server-bundle";
import { epochSeconds } from "../../clock";
import { resolveAuthorizeParams } from "./pushed";
import { checkPassword } from "./password-sign-in";
import { renderSignIn } from "./pages";
import { checkClientAndRedirect, parseAuthorizeRequest, redirectError, type AuthorizeRequest } from "./request";
import type { AppRecord } from "../../store/apps";
import type { ScopeRecord } from "../../store/scopes";
import { openTransaction, type Transaction } from "./transaction";
import { logEvent, logEvents } from "../../log/emit";
import { accountEvents, consentEvent, signInEvent } from "../people-events";

const SIGN_IN_FAILED = "Unable to sign in. Check your username and password and try again.";
// Okta: with showLockoutFailures the person is told; a throttled browser is asked to wait (429, RFC 6585).
const SIGN_IN_REFUSED = {
  failed: { error: SIGN_IN_FAILED, status: 401 },
  locked: { error: "Your account is locked. Please contact your administrator.", status: 401 },
  throttled: { error: "Too many sign-in attempts. Wait a minute, then try again.", status: 429 },
} as const;

const FORM_EXPIRED = "This sign-in form has expired or was not sent by this browser. Go back to the application and start again.";
const CONSENT_EXPIRED = "This consent form has expired or was not sent by this browser. Go back to the application and start again.";

/** GET or POST /oauth2/{id}/v1/authorize (RFC 6749 3.1: both methods are supported). */
export async function authorizeEndpoint(c: Context<AppEnv>): Promise<Response> {
  const bundle = await activeServer(c);
  // RFC 9126 / RFC 9101: a pushed request or a request object supplies the parameters.
  const params = await resolveAuthorizeParams(c, bundle, await requestParams(c.req.raw));
  return runAuthorize(c, bundle, params, c.get("now"));
}

/** The CSRF check of the sign-in and consent forms: the form, the sealed transaction and the cookie agree. */
async function checkedTransaction(c: Context<AppEnv>, form: Map<string, string>, serverId: string, now: number): Promise<Transaction | null> {
  const sealed = form.get("tx");
  const csrf = form.get("csrf");
  const cookie = readCookie(c, CSRF_COOKIE);
  if (!sealed || !csrf || !cookie) return null;
  const tx = await openTransaction(c.env, serverId, sealed, now);
  if (!tx || !timingSafeEqualStrings(tx.csrf, csrf) || !timingSafeEqualStrings(cookie, csrf)) return null;
  return tx;
}

/** POST /oauth2/{id}/v1/authorize/signin: the hosted sign-in form. */
export async function signInEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const form = await requestParams(c.req.raw);
  const tx = await checkedTransaction(c, form, bundle.server.id, now);
  if (!tx) throw new PageError("invalid_request", FORM_EXPIRED);
  const params = new Map(tx.params);
  const login = (form.get("username") ?? "").trim();
  const started = await newSession(c, ["pwd"], now);
  // The attempt, the session, the index row of the object the code will live in and the person at the app
  // /authorize goes on to need: one D1 batch, one far round trip (issue 17).
  const clientId = params.get("client_id");
  const client = clientId ? await cachedClient(c.env, clientId, now) : null;
  const app = client ? { appId: client.id, clientId: client.clientId, serverId: bundle.server.id } : null;
  const holder = client && wantsCode(params) ? newHolder(c.env) : undefined;
  let sessionStatements = 0;
  const outcome = await checkPassword(c, login, form.get("password") ?? "", (userId, attemptId) => {
    const session = started.statements(userId, attemptId);
    sessionStatements = session.length;
    const row = holder && client ? [signInHolderRow(c, bundle, client, params, holder, userId, attemptId)] : [];
    return [...session, ...row, ...(app ? personStatements(c.env.DB, userId, app) : [])];
  });
  if (outcome.kind !== "ok") {
    logEvent(c, signInEvent(null, login, false, outcome.kind === "locked" ? "LOCKED_OUT" : outcome.kind === "throttled" ? "RATE_LIMITED" : "INVALID_CREDENTIALS"));
    if (outcome.kind !== "throttled") logEvents(c, accountEvents(outcome));
    return renderSignIn(c, bundle, params, now, { login, ...SIGN_IN_REFUSED[outcome.kind] });
  }
  const user = outcome.user;
  const session = started.session(user.id);
  const cookie = started.cookie;
  logEvents(c, [...accountEvents(outcome), signInEvent(user, login, true)]);
  const person = app ? personOfResults(outcome.alsoResults.slice(sessionStatements + (holder ? 1 : 0))) : undefined;
  const registered = holder && client ? { holder, owner: { userId: user.id, clientId: client.clientId, authServerId: bundle.server.id }, used: false } : undefined;
  try {
    return await runAuthorize(c, bundle, params, now, { freshSession: session, cookies: [cookie], person, registered, freshSessionHash: started.idHash });
  } finally {
    if (registered) await forgetUnusedHolder(c.env, registered, executionCtxOf(c));
  }
}

const wantsCode = (params: Map<string, string>) => (params.get("response_type") ?? "").split(" ").includes("code");

/** The index row of the object a code from this sign-in will live in, written only if the sign-in succeeds. */
function signInHolderRow(c: Context<AppEnv>, bundle: ServerBundle, client: AppRecord, params: Map<string, string>, holder: Holder, userId: string, attemptId: string): D1PreparedStatement {
  const nowSeconds = epochSeconds(c.get("now"));
  // The scopes as /authorize will resolve them: without a scope parameter, the server's defaults (which may
  // include offline_access); a request whose scopes do not resolve is refused before any code, so nothing is lost.
  let scopes: string[] = [];
  try {
    scopes = resolveScopes(bundle.scopes, params.get("scope"));
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
  }
  const mayBeginFamily = scopes.includes("offline_access") && client.settings.grant_types.includes("refresh_token");
  const longest = mayBeginFamily ? longestRefreshLifetimeSeconds(bundle.policies, client.clientId, "authorization_code") : 0;
  const owner = { userId, clientId: client.clientId, authServerId: bundle.server.id };
  return holderRowAtSignIn(c.env, holder, owner, longest, nowSeconds, nowSeconds + CODE_LIFETIME_SECONDS, attemptId);
}

/** The transaction's request checked again; a client or settings changed since it began make it a page. */
function requestStillValid(client: AppRecord | null, params: Map<string, string>, scopes: ScopeRecord[]): AuthorizeRequest {
  try {
    return parseAuthorizeRequest(client!, checkClientAndRedirect(client, params), params, scopes);
  } catch (err) {
    if (err instanceof PageError || err instanceof RedirectError) throw new PageError("invalid_request", "The application's request is no longer valid.");
    throw err;
  }
}

/** POST /oauth2/{id}/v1/authorize/consent: the person's answer to the consent page. */
export async function consentEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const form = await requestParams(c.req.raw);
  const tx = await checkedTransaction(c, form, bundle.server.id, now);
  const session = await currentSession(c, now);
  if (!tx || !session) throw new PageError("invalid_request", CONSENT_EXPIRED);
  const params = new Map(tx.params);
  if (form.get("decision") !== "allow") {
    // RFC 6749 4.1.2.1: the resource owner denied the request; the client and redirect_uri are checked again first.
    const client = await cachedClient(c.env, params.get("client_id") ?? "", now);
    const req = requestStillValid(client, params, bundle.scopes);
    throw redirectError(req, new OAuthError("access_denied", "The resource owner or authorization server denied the request."));
  }
  // What the page listed: the requested scopes that are not IMPLICIT (Okta's consent grants).
  const implicit = new Set(bundle.scopes.filter((s) => s.consent === "IMPLICIT").map((s) => s.name));
  const scopes = (params.get("scope") ?? "").split(" ").filter((s) => s && !implicit.has(s));
  await saveConsent(c.env.DB, session.userId, params.get("client_id") ?? "", bundle.server.id, scopes, isoTime(now));
  logEvent(c, consentEvent(bundle, session.userId, params.get("client_id") ?? "", scopes));
  const signedInHere = tx.userId !== undefined && tx.userId === session.userId;
  return runAuthorize(c, bundle, params, now, { consented: true, freshSession: signedInHere ? session : undefined });
}
