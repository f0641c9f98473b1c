import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { evaluatePolicies } from "../../policy/evaluate";
import { logEvent } from "../../log/emit";
import { authorizeRefusedEvent } from "../people-events";
import type { AppRecord } from "../../store/apps";
import { personAtApp, sessionPersonAtApp, type PersonAtApp } from "../../store/person-at-app";
import type { SessionRecord } from "../../store/sessions";
import { cachedClient } from "../../cache/clients";
import { keepCookies } from "../pages/errors";
import { admitAdminScopes } from "../minting/org-scopes";
import { policyDenied } from "../minting/policy-errors";
import type { ServerBundle } from "../../cache/server-bundle";
import { sessionCookieHash } from "../request/session";
import { refuseAdminTokensInFrontChannel } from "./front-channel";
import { issueAuthorization, SessionEnded } from "./issue";
import type { RegisteredHolder } from "../../sessions/register";
import { renderConsent, renderSignIn } from "./pages";
import { checkClientAndRedirect, parseAuthorizeRequest, redirectError, type AuthorizeRequest } from "./request";
import { epochSeconds } from "../../clock";

export interface FlowState {
  /** The person signed in during this very transaction: prompt=login and max_age are satisfied. */
  freshSession?: SessionRecord;
  /** The fresh session's person at this client's app, read with the sign-in's success (endpoint.ts). */
  person?: PersonAtApp | null;
  /** The person just answered the consent page. */
  consented?: boolean;
  cookies?: string[];
  /** The object the sign-in registered for the code in its own transaction (issue.ts). */
  registered?: RegisteredHolder;
  /** The stored form of the fresh session's cookie (the sign-in's new one; otherwise the request's). */
  freshSessionHash?: string;
}

/**
 * The authorization endpoint's decision after the request is valid: who is signed in, whether they may use
 * this client and these scopes (assignment, policy, consent), then the response. It only throws: PageError before
 * the client and redirect_uri are trusted, RedirectError after; the page routes' handler answers both.
 */
export async function runAuthorize(c: Context<AppEnv>, bundle: ServerBundle, params: Map<string, string>, now: number, state: FlowState = {}): Promise<Response> {
  const cookies = state.cookies ?? [];
  // A session started by this request goes out with whatever the request ends in, an error redirect included.
  keepCookies(c, cookies);
  const client = params.get("client_id") ? await cachedClient(c.env, params.get("client_id")!, now) : null;
  const redirectUri = checkClientAndRedirect(client, params);
  const req = parseAuthorizeRequest(client!, redirectUri, params, bundle.scopes);
  const fail = (error: OAuthError) => redirectError(req, error);

  // The session and its person in one D1 round trip (store/person-at-app.ts); a fresh session's person below.
  // From the primary, not a replica: a replica a moment behind an unassignment or a group change would issue a
  // code whose object the revocation fan-out of that change never saw.
  const app = { appId: client!.id, clientId: client!.clientId, serverId: bundle.server.id };
  // A sign-in in this request knows its new session; otherwise the cookie names it (the consent form: a fresh one).
  const cookieHash = state.freshSessionHash ? null : await sessionCookieHash(c);
  const found = cookieHash && !state.freshSession ? await sessionPersonAtApp(c.env.DB, cookieHash, epochSeconds(now), app) : null;
  const session = state.freshSession ?? found?.session ?? null;
  // OIDC Core 3.1.2.1: re-authenticate when the sign-in is older than max_age; max_age=0 always (like prompt=login).
  const tooOld = (s: SessionRecord) => req.maxAge !== undefined && (req.maxAge === 0 || epochSeconds(now) - s.authTime > req.maxAge);
  const mustSignIn = !session || (!state.freshSession && (req.prompt.includes("login") || tooOld(session)));
  if (mustSignIn) {
    // OIDC Core 3.1.2.6: prompt=none with no usable session is login_required.
    if (req.prompt.includes("none")) throw fail(new OAuthError("login_required", "The client specified not to prompt, but the user is not logged in."));
    return renderSignIn(c, bundle, params, now, { login: req.loginHint });
  }
  // The sign-in read it already; a session found by its cookie came with it; another fresh one reads it now.
  const person = state.person !== undefined ? state.person : found ? found.person : await personAtApp(c.env.DB, session.userId, app);
  const user = person?.user;
  if (!person || !user || user.status !== "ACTIVE") {
    if (req.prompt.includes("none")) throw fail(new OAuthError("login_required", "The client specified not to prompt, but the user is not logged in."));
    return renderSignIn(c, bundle, params, now, { login: req.loginHint });
  }
  if (!person.assigned) {
    throw fail(new OAuthError("access_denied", "User is not assigned to the client application."));
  }
  try {
    refuseAdminTokensInFrontChannel(bundle, req.responseTypes, req.scopes);
    await admitAdminScopes(c.env, bundle, client!, req.scopes, req.responseTypes.includes("code") ? "authorization_code" : "implicit", now);
  } catch (err) {
    // Only the refusal goes back to the client; an outage reaches the handler as it is.
    throw err instanceof OAuthError ? fail(err) : err;
  }
  const groups = person.groups;
  const decision = evaluatePolicies(bundle.policies, {
    clientId: client!.clientId,
    grantType: req.responseTypes.includes("code") ? "authorization_code" : "implicit",
    scopes: req.scopes,
    user: { id: user.id, groupIds: groups.map((g) => g.id) },
  });
  if (decision.kind !== "granted") {
    // Okta: a refusal by policy is in the System Log (app.oauth2.as.authorize, FAILURE, with the reason).
    const denied = policyDenied(decision);
    logEvent(c, authorizeRefusedEvent(bundle, client!.clientId, denied));
    throw fail(denied);
  }

  if (!state.consented) {
    const needed = scopesNeedingConsent(bundle, client!, req, person.granted);
    if (needed.length) {
      if (req.prompt.includes("none")) {
        throw fail(new OAuthError("consent_required", `The following scopes require user consent: [${needed.join(", ")}].`));
      }
      return renderConsent(c, bundle, client!, params, needed, now, cookies, state.freshSession?.userId);
    }
  }
  try {
    return await issueAuthorization(c, { bundle, client: client!, req, user, session, decision, groups, now, cookies, params, registered: state.registered, sessionHash: state.freshSessionHash ?? cookieHash });
  } catch (err) {
    // The session or the person ended between the reads and the index row's write: as if there were none (above).
    if (err instanceof SessionEnded) {
      if (req.prompt.includes("none")) throw fail(new OAuthError("login_required", "The client specified not to prompt, but the user is not logged in."));
      return renderSignIn(c, bundle, params, now, { login: req.loginHint });
    }
    // Okta: a token inline hook that answers an error fails the flow; /authorize tells the client at its redirect_uri,
    // and the refusal is in the System Log like a policy's.
    if (!(err instanceof OAuthError)) throw err;
    logEvent(c, authorizeRefusedEvent(bundle, client!.clientId, err));
    throw fail(err);
  }
}

/**
 * Okta's consent rules: a client with consent_method REQUIRED asks for every scope that is not IMPLICIT and not
 * yet granted; prompt=consent asks again for all of them; a TRUSTED client asks only on prompt=consent, and
 * never for IMPLICIT scopes.
 */
function scopesNeedingConsent(bundle: ServerBundle, client: AppRecord, req: AuthorizeRequest, grantedScopes: string[]): string[] {
  const consentOf = new Map(bundle.scopes.map((s) => [s.name, s.consent]));
  const askable = req.scopes.filter((s) => consentOf.get(s) !== "IMPLICIT");
  if (!askable.length) return [];
  if (req.prompt.includes("consent")) return askable;
  if (client.settings.consent_method !== "REQUIRED") return [];
  const granted = new Set(grantedScopes);
  return askable.filter((s) => !granted.has(s));
}
