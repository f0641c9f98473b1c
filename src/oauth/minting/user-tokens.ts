import type { Env } from "../../env";
import { newId } from "../../ids";
import { sha256Hex } from "../../digest";
import type { AppRecord } from "../../store/apps";
import { newHolder, newSecretFor, saveSuccessor, type Holder, type Successor } from "../../sessions/client";
import { registerHolder } from "../../sessions/register";
import type { UserGrant } from "../../store/user-grant";
import { accessPreview, fromPreview, mintAccessToken, newAccessTokenId, type AccessTokenClaims } from "./access-token";
import type { EventInput } from "../../log/event";
import { transformTokens, type HookRequest } from "./inline-hook";
import type { TokenResponse } from "../grants/grant";
import { ID_TOKEN_LIFETIME_SECONDS, mintIdToken, ORG_IDP } from "./id-token";
import { cachedKeys } from "../../cache/keys";
import { accessTokenKeyStore } from "../../tokens/org-server";
import type { ServerBundle } from "../../cache/server-bundle";
import { getUserWithGroups, type UserRecord } from "../../store/users";
import type { ClaimsUser } from "../../policy/claims/user-claims";
import { customClaimsFor, standardClaims } from "./token-claims";
import { epochSeconds } from "../../clock";

/** What a person authorized, carried from /authorize through the code into refresh tokens (its schema: store/user-grant). */
export type { UserGrant };

export interface TokenUser extends ClaimsUser {
  login: string;
  groups: Array<{ id: string; name: string }>;
}

/** A person as tokens describe them: their profile and their groups (for GROUPS claims and group expressions). */
export function tokenUser(user: UserRecord, groups: Array<{ id: string; name: string }>): TokenUser {
  return { id: user.id, login: String(user.profile.login), profile: user.profile, lastUpdated: user.lastUpdated, emailStatus: user.emailStatus, groups };
}

/** The ACTIVE person a code or refresh token was issued to, with their groups, in one D1 round trip; else null. */
export async function activeTokenUser(db: D1Database, userId: string): Promise<TokenUser | null> {
  const found = await getUserWithGroups(db, userId);
  return found && found.user.status === "ACTIVE" ? tokenUser(found.user, found.groups) : null;
}

export interface UserTokenInput {
  env: Env;
  /** The SessionStore a refresh token is stored in and names (issue 17): the code's or the rotated token's. */
  holder: Holder;
  /** A refresh token its SessionStore already stored (one-call redemption and rotation): answered as is. */
  storedRefresh?: { token: string; id: string };
  bundle: ServerBundle;
  client: AppRecord;
  issuer: string;
  user: TokenUser;
  grant: UserGrant;
  now: number;
  accessJti?: string;
  /** The refresh-token family: new for a code, the same one on rotation. */
  familyId?: string;
  /** A rotated refresh token keeps the family's absolute expiry (Okta: lifetime counts from first issue). */
  refreshExpiresAt?: number | null;
  includeNonce: boolean;
  /** Narrower scopes for this response's access and ID tokens (refresh with scope); the grant keeps its own. */
  accessScopes?: string[];
  /** RFC 9449: the DPoP key the access token (and a public client's refresh token) is bound to. */
  dpopJkt?: string;
  /** For a token inline hook (the grant's rule may name one): the grant type, the request, the log. */
  grantType?: string;
  request?: HookRequest;
  log?: (events: EventInput[]) => void;
}

export const newFamilyId = () => newId("oar");

/**
 * Loads the keys a person's tokens are signed with (access and ID token) before a code or refresh token is
 * consumed, so that a Durable Object failure leaves the code or refresh token as it was. Warm isolates make no call.
 */
export async function readySigners(env: Env, serverId: string, now: number): Promise<void> {
  await (await cachedKeys(env, accessTokenKeyStore(serverId), now)).signer();
  await (await cachedKeys(env, serverId, now)).signer();
}

/** The claims of a person's access token: Okta's uid, sub = login, scp, cid, auth_time. */
export function userAccessClaims(i: Pick<UserTokenInput, "bundle" | "client" | "issuer" | "user" | "grant" | "now" | "dpopJkt" | "log">): AccessTokenClaims {
  return {
    ...customClaimsFor(i.bundle, "RESOURCE", i.client, i.user, i.grant.scopes, i.now, false, i.log),
    iss: i.issuer,
    aud: i.bundle.server.audiences[0]!,
    sub: i.user.login,
    cid: i.client.clientId,
    uid: i.user.id,
    scp: i.grant.scopes,
    auth_time: i.grant.authTime,
    // RFC 9449 6.1.
    ...(i.dpopJkt ? { cnf: { jkt: i.dpopJkt } } : {}),
  };
}

/** ID token claims as a hook sees them: the claims mintIdToken sets itself, and the profile and custom ones. */
function identityPreview(i: Omit<UserTokenInput, "holder">, claims: Record<string, unknown>): Record<string, unknown> {
  const iat = epochSeconds(i.now);
  return {
    sub: i.user.id,
    ...claims,
    ver: 1,
    iss: i.issuer,
    aud: i.client.clientId,
    iat,
    exp: iat + ID_TOKEN_LIFETIME_SECONDS,
    amr: i.grant.amr,
    idp: ORG_IDP,
    auth_time: i.grant.authTime,
    ...(i.includeNonce && i.grant.nonce ? { nonce: i.grant.nonce } : {}),
  };
}

/** The claims of a patched ID token that mintIdToken takes (it sets the system claims itself). */
function fromIdentityPreview(claims: Record<string, unknown>): Record<string, unknown> {
  const { ver: _v, iss: _i, aud: _a, iat: _t, exp: _e, amr: _m, idp: _d, auth_time: _at, nonce: _n, ...rest } = claims;
  return rest;
}

/**
 * The token-endpoint response for a person (authorization_code and refresh_token grants): an access token, an ID
 * token when openid was granted, and a refresh token when offline_access was granted to a client allowed to
 * refresh (Okta).

/** Tokens about to be minted for a person, as a token inline hook sees and changes them. */
export interface UserTokensToMint {
  access?: { claims: AccessTokenClaims; lifetimeSeconds: number; jti: string };
  identity?: { claims: Record<string, unknown>; lifetimeSeconds: number };
}

/**
 * The rule's token inline hook (Okta: actions.token.inlineHook) over a person's tokens before they are signed: the
 * one path for the token endpoint (prepareUserTokens) and the authorization endpoint's implicit and hybrid
 * responses. Returns the tokens as they were when the grant has no hook or the hook is skipped.
 */
export async function hookUserTokens(i: Omit<UserTokenInput, "holder">, scopes: string[], t: UserTokensToMint): Promise<UserTokensToMint> {
  if (!i.grant.hook) return t;
  const out = await transformTokens(
    { env: i.env, bundle: i.bundle, client: i.client, issuer: i.issuer, now: i.now, grantType: i.grantType ?? "authorization_code", scopes, user: i.user, hook: i.grant.hook, request: i.request, log: i.log },
    {
      ...(t.access ? { access: accessPreview(t.access.claims, t.access.lifetimeSeconds, i.now, t.access.jti) } : {}),
      ...(t.identity ? { identity: { claims: identityPreview(i, t.identity.claims), lifetimeSeconds: t.identity.lifetimeSeconds } } : {}),
    },
  );
  return {
    ...(t.access && out.access ? { access: { claims: fromPreview(out.access.claims), lifetimeSeconds: out.access.lifetimeSeconds, jti: t.access.jti } } : {}),
    ...(t.identity && out.identity ? { identity: { claims: fromIdentityPreview(out.identity.claims), lifetimeSeconds: out.identity.lifetimeSeconds } } : {}),
  };
}

/** A token response minted in memory, and the refresh token to store with it (null when none is issued). */
export interface PreparedTokens {
  response: TokenResponse;
  successor: Successor | null;
}

/**
 * RFC 9449 5: a public client's refresh token is bound to the DPoP key it was issued under (a confidential
 * client's is bound to its authentication instead, and keeps no key).
 */
function boundGrant(i: UserTokenInput): UserGrant {
  const { jkt: _previous, ...grant } = i.grant;
  return i.client.tokenEndpointAuthMethod === "none" && i.dpopJkt ? { ...grant, jkt: i.dpopJkt } : grant;
}

/**
 * The token-endpoint response for a person (authorization_code and refresh_token grants): an access token, an ID
 * token when openid was granted, and a refresh token when offline_access was granted to a client allowed to
 * refresh (Okta). Nothing is written: the caller stores the refresh token in the same batch as what it consumes.
 */
export async function prepareUserTokens(i: UserTokenInput): Promise<PreparedTokens> {
  const scopes = i.accessScopes ?? i.grant.scopes;
  const accessJti = i.accessJti ?? newAccessTokenId();
  let accessClaims = userAccessClaims({ ...i, grant: { ...i.grant, scopes } });
  let accessLifetime = i.grant.accessTokenLifetimeSeconds;
  // Okta: the token endpoint always issues an access token alongside, so the ID token carries only the custom
  // claims with alwaysIncludeInToken; /userinfo has the rest.
  let idClaims = scopes.includes("openid")
    ? { ...customClaimsFor(i.bundle, "IDENTITY", i.client, i.user, scopes, i.now, true, i.log), ...standardClaims(i.bundle, i.user, scopes) }
    : null;
  let idLifetime = ID_TOKEN_LIFETIME_SECONDS;
  // Okta: the token inline hook of the rule that granted this, if it has one; without one nothing else runs.
  if (i.grant.hook) {
    const out = await hookUserTokens(i, scopes, {
      access: { claims: accessClaims, lifetimeSeconds: accessLifetime, jti: accessJti },
      ...(idClaims ? { identity: { claims: idClaims, lifetimeSeconds: idLifetime } } : {}),
    });
    accessClaims = out.access!.claims;
    accessLifetime = out.access!.lifetimeSeconds;
    if (idClaims && out.identity) {
      idClaims = out.identity.claims;
      idLifetime = out.identity.lifetimeSeconds;
    }
  }
  const access = await mintAccessToken(i.env, i.bundle.server.id, accessClaims, accessLifetime, i.now, accessJti);
  const response: TokenResponse = { token_type: i.dpopJkt ? "DPoP" : "Bearer", expires_in: access.expiresIn, access_token: access.token, scope: scopes.join(" ") };
  let successor: Successor | null = null;
  if (i.grant.scopes.includes("offline_access") && i.client.settings.grant_types.includes("refresh_token")) {
    const token = i.storedRefresh?.token ?? newSecretFor(i.holder);
    const nowSeconds = epochSeconds(i.now);
    const expiresAt =
      i.refreshExpiresAt !== undefined
        ? i.refreshExpiresAt
        : i.grant.refreshTokenLifetimeSeconds === null
          ? null
          : nowSeconds + i.grant.refreshTokenLifetimeSeconds;
    successor = {
      tokenHash: await sha256Hex(token),
      token: {
        id: i.storedRefresh?.id ?? newId("oar"),
        familyId: i.familyId ?? newFamilyId(),
        authServerId: i.bundle.server.id,
        clientId: i.client.clientId,
        userId: i.user.id,
        grant: boundGrant(i),
        created: nowSeconds,
        expiresAt,
        idleExpiresAt: nowSeconds + i.grant.refreshTokenWindowSeconds,
      },
      // Okta: revoking the refresh token also revokes the access token minted with it.
      access: { jti: access.jti, expiresAt: access.exp },
    };
    response.refresh_token = token;
  }
  if (idClaims) {
    response.id_token = await mintIdToken(
      i.env,
      i.bundle.server.id,
      {
        iss: i.issuer,
        clientId: i.client.clientId,
        userId: i.user.id,
        authTime: i.grant.authTime,
        amr: i.grant.amr,
        nonce: i.includeNonce ? i.grant.nonce : undefined,
        accessToken: access.token,
        claims: idClaims,
        lifetimeSeconds: idLifetime,
      },
      i.now,
    );
  }
  return { response, successor };
}

/**
 * prepareUserTokens, then the refresh token stored on its own: for a grant that consumes nothing (password, device,
 * token exchange). Issue 17: such a family has no browser session to live with, so it gets a SessionStore of its
 * own, created here near the client, indexed in D1 first (a failure then leaves nothing the index does not name).
 */
export async function issueUserTokens(i: Omit<UserTokenInput, "holder">): Promise<TokenResponse> {
  const holder = newHolder(i.env);
  const prepared = await prepareUserTokens({ ...i, holder });
  const s = prepared.successor;
  if (s) {
    await registerHolder(i.env, holder, { userId: s.token.userId, clientId: s.token.clientId, authServerId: s.token.authServerId }, i.grant, s.token.created, s.token.created);
    await saveSuccessor(holder, s, i.user);
  }
  return prepared.response;
}
