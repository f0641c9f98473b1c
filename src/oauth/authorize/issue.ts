import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { sha256Hex } from "../../digest";
import type { PolicyDecision } from "../../policy/types";
import type { AppRecord } from "../../store/apps";
import { newHolder, newSecretFor, saveCode } from "../../sessions/client";
import { personStillSignedIn } from "../../store/token-holders";
import { mayRefresh, registerHolder, type RegisteredHolder } from "../../sessions/register";
import type { SessionRecord } from "../../store/sessions";
import type { UserRecord } from "../../store/users";
import { issuerOf } from "../../issuer";
import { ID_TOKEN_LIFETIME_SECONDS, mintIdToken } from "../minting/id-token";
import { mintAccessToken, newAccessTokenId } from "../minting/access-token";
import type { ServerBundle } from "../../cache/server-bundle";
import { customClaimsFor, standardClaims } from "../minting/token-claims";
import { hookUserTokens, readySigners, tokenUser, userAccessClaims, type TokenUser, type UserGrant, type UserTokenInput } from "../minting/user-tokens";
import type { AuthorizeRequest } from "./request";
import { redirectToClient } from "./respond";
import { epochSeconds } from "../../clock";
import { logEvents } from "../../log/emit";
import type { EventInput } from "../../log/event";
import { codeIssuedEvent, implicitTokenEvents, ssoEvent } from "../people-events";

/** Okta: authorization codes live 300 seconds. */
export const CODE_LIFETIME_SECONDS = 300;

export interface Authorized {
  bundle: ServerBundle;
  client: AppRecord;
  req: AuthorizeRequest;
  user: UserRecord;
  session: SessionRecord;
  decision: Extract<PolicyDecision, { kind: "granted" }>;
  groups: Array<{ id: string; name: string }>;
  now: number;
  cookies: string[];
  /** The authorization request's parameters, as a token inline hook's context shows them. */
  params?: Map<string, string>;
  /** The object a sign-in registered for the code in its own transaction (endpoint.ts); none: register one here. */
  registered?: RegisteredHolder;
  /** The hash of the session cookie the request came with (the session must still be live on the primary). */
  sessionHash?: string | null;
}

/**
 * The person or session the flow read is gone by the time the index row is written (deactivated, signed out by a
 * request racing this one): no code was stored, and the flow asks them to sign in again (flow.ts).
 */
export class SessionEnded extends Error {}

/** Issues what the response_type asked for — a code, an access token, an ID token — and sends it to the client. */
export async function issueAuthorization(c: Context<AppEnv>, a: Authorized): Promise<Response> {
  const { bundle, client, req, user, session, decision, now } = a;
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  const grant: UserGrant = {
    scopes: decision.scopes,
    authTime: session.authTime,
    amr: session.amr,
    nonce: req.nonce,
    codeChallenge: req.codeChallenge,
    accessTokenLifetimeSeconds: decision.accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds: decision.refreshTokenLifetimeSeconds,
    refreshTokenWindowSeconds: decision.refreshTokenWindowSeconds,
    ...(decision.inlineHookId ? { hook: { id: decision.inlineHookId, policyId: decision.policyId, ruleId: decision.ruleId } } : {}),
  };
  const out: Record<string, string | undefined> = {};
  // Keys first: a Durable Object failure then leaves no code stored for a response that never went out.
  if (req.responseTypes.some((t) => t !== "code")) await readySigners(c.env, bundle.server.id, now);
  // Issue 17: a code lives in a new SessionStore created here, near the person, and names it; the family its
  // redemption begins lives there too.
  const holder = req.responseTypes.includes("code") ? (a.registered?.holder ?? newHolder(c.env)) : undefined;
  const code = holder ? newSecretFor(holder) : undefined;
  const person: TokenUser = { id: user.id, login: String(user.profile.login), profile: user.profile, lastUpdated: user.lastUpdated, groups: a.groups };
  const log = (events: EventInput[]) => logEvents(c, events);
  // Tokens before the code is stored: a token inline hook that answers an error then leaves no code behind.
  const tokens = await frontChannelTokens(c, a, { issuer, grant, person, code, log });
  Object.assign(out, tokens);
  if (holder && code) {
    const expiresAt = epochSeconds(now) + CODE_LIFETIME_SECONDS;
    const owner = { userId: user.id, clientId: client.clientId, authServerId: bundle.server.id };
    // The index row first: a failure then leaves no code that it does not name. Every code is indexed, so that
    // ending the person's access deletes it before it is redeemed (the redemption reads no D1); a code that cannot
    // begin a family is indexed only until it expires. It is written only if the person is still ACTIVE and the
    // session still live. A sign-in wrote the row in its own transaction already (issue 17).
    if (!a.registered) {
      const refreshes = mayRefresh(grant, client.settings.grant_types) ? grant : null;
      if (!(await registerHolder(c.env, holder, owner, refreshes, epochSeconds(now), expiresAt, personStillSignedIn(a.sessionHash ?? null, epochSeconds(now))))) {
        throw new SessionEnded();
      }
    }
    // The person as the code's redemption will describe them (their profile and groups, read for this request).
    if (a.registered) a.registered.used = true;
    await saveCode(holder, await sha256Hex(code), { ...owner, redirectUri: req.redirectUri, grant, expiresAt }, tokenUser(user, a.groups));
    out.code = code;
    log([codeIssuedEvent(bundle, user.id, client.clientId, grant.scopes)]);
  }
  log([...implicitTokenEvents(bundle, user.id, client.clientId, grant.scopes, tokens), ssoEvent(user, client)]);
  out.state = req.state;
  // RFC 9207 2: the issuer identifies who answered.
  out.iss = issuer;
  return redirectToClient(req.redirectUri, req.responseMode, out, a.cookies);
}

/**
 * The access and ID tokens the response_type asks /authorize for (implicit and hybrid flows), through the rule's
 * token inline hook exactly as the token endpoint mints them (hookUserTokens).
 */
async function frontChannelTokens(
  c: Context<AppEnv>,
  a: Authorized,
  t: { issuer: string; grant: UserGrant; person: TokenUser; code: string | undefined; log: (events: EventInput[]) => void },
): Promise<{ access_token?: string; token_type?: string; expires_in?: string; scope?: string; id_token?: string }> {
  const { bundle, client, req, session, now } = a;
  const wantsAccess = req.responseTypes.includes("token");
  const wantsId = req.responseTypes.includes("id_token");
  if (!wantsAccess && !wantsId) return {};
  const input: Omit<UserTokenInput, "holder"> = {
    env: c.env,
    bundle,
    client,
    issuer: t.issuer,
    user: t.person,
    grant: t.grant,
    now,
    includeNonce: true,
    grantType: "implicit",
    request: { id: c.get("requestId"), url: c.req.url, ipAddress: c.req.header("CF-Connecting-IP") ?? null, params: a.params ?? new Map(), endpoint: "authorize", method: c.req.method },
    log: t.log,
  };
  // Okta: when an access token is issued alongside, a custom server's ID token is thin: only claims with
  // alwaysIncludeInToken; the others are at /userinfo.
  const minting = await hookUserTokens(input, t.grant.scopes, {
    ...(wantsAccess ? { access: { claims: userAccessClaims(input), lifetimeSeconds: t.grant.accessTokenLifetimeSeconds, jti: newAccessTokenId() } } : {}),
    ...(wantsId
      ? {
          identity: {
            claims: {
              ...customClaimsFor(bundle, "IDENTITY", client, t.person, t.grant.scopes, now, wantsAccess, t.log),
              ...(wantsAccess ? {} : standardClaims(bundle, t.person, t.grant.scopes)),
            },
            lifetimeSeconds: ID_TOKEN_LIFETIME_SECONDS,
          },
        }
      : {}),
  });
  const tokens: Awaited<ReturnType<typeof frontChannelTokens>> = {};
  if (minting.access) {
    const access = await mintAccessToken(c.env, bundle.server.id, minting.access.claims, minting.access.lifetimeSeconds, now, minting.access.jti);
    Object.assign(tokens, { access_token: access.token, token_type: "Bearer", expires_in: String(access.expiresIn), scope: t.grant.scopes.join(" ") });
  }
  if (minting.identity) {
    tokens.id_token = await mintIdToken(
      c.env,
      bundle.server.id,
      {
        iss: t.issuer,
        clientId: client.clientId,
        userId: t.person.id,
        authTime: session.authTime,
        amr: session.amr,
        nonce: req.nonce,
        accessToken: tokens.access_token,
        code: t.code,
        claims: minting.identity.claims,
        lifetimeSeconds: minting.identity.lifetimeSeconds,
      },
      now,
    );
  }
  return tokens;
}
