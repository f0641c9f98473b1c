import type { Env } from "../../env";
import { newId, randomBase62 } from "../../ids";
import { sha256Hex } from "../../digest";
import type { AppRecord } from "../../store/apps";
import { saveRefreshToken } from "../../store/refresh-tokens";
import type { UserGrant } from "../../store/user-grant";
import { mintAccessToken, newAccessTokenId } from "./access-token";
import type { TokenResponse } from "../grants/grant";
import { mintIdToken } from "./id-token";
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
  return { id: user.id, login: String(user.profile.login), profile: user.profile, lastUpdated: user.lastUpdated, groups };
}

/** The ACTIVE person a code or refresh token was issued to, with their groups, in one D1 round trip; else null. */
export async function activeTokenUser(db: D1Database, userId: string): Promise<TokenUser | null> {
  const found = await getUserWithGroups(db, userId);
  return found && found.user.status === "ACTIVE" ? tokenUser(found.user, found.groups) : null;
}

export interface UserTokenInput {
  env: Env;
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

/** The access token for a person: Okta's uid, sub = login, scp, cid, auth_time. */
export function mintUserAccessToken(i: Pick<UserTokenInput, "env" | "bundle" | "client" | "issuer" | "user" | "grant" | "now" | "accessJti">) {
  return mintAccessToken(
    i.env,
    i.bundle.server.id,
    {
      ...customClaimsFor(i.bundle, "RESOURCE", i.client, i.user, i.grant.scopes, i.now),
      iss: i.issuer,
      aud: i.bundle.server.audiences[0]!,
      sub: i.user.login,
      cid: i.client.clientId,
      uid: i.user.id,
      scp: i.grant.scopes,
      auth_time: i.grant.authTime,
    },
    i.grant.accessTokenLifetimeSeconds,
    i.now,
    i.accessJti ?? newAccessTokenId(),
  );
}

/**
 * The token-endpoint response for a person (authorization_code and refresh_token grants): an access token, an ID
 * token when openid was granted, and a refresh token when offline_access was granted to a client allowed to
 * refresh (Okta).
 */
export async function issueUserTokens(i: UserTokenInput): Promise<TokenResponse> {
  const scopes = i.accessScopes ?? i.grant.scopes;
  const access = await mintUserAccessToken({ ...i, grant: { ...i.grant, scopes } });
  const response: TokenResponse = { token_type: "Bearer", expires_in: access.expiresIn, access_token: access.token, scope: scopes.join(" ") };
  if (i.grant.scopes.includes("offline_access") && i.client.settings.grant_types.includes("refresh_token")) {
    const token = randomBase62(43);
    const nowSeconds = epochSeconds(i.now);
    const expiresAt =
      i.refreshExpiresAt !== undefined
        ? i.refreshExpiresAt
        : i.grant.refreshTokenLifetimeSeconds === null
          ? null
          : nowSeconds + i.grant.refreshTokenLifetimeSeconds;
    await saveRefreshToken(i.env.DB, await sha256Hex(token), {
      id: newId("oar"),
      familyId: i.familyId ?? newFamilyId(),
      authServerId: i.bundle.server.id,
      clientId: i.client.clientId,
      userId: i.user.id,
      grant: i.grant,
      created: nowSeconds,
      expiresAt,
      idleExpiresAt: nowSeconds + i.grant.refreshTokenWindowSeconds,
    });
    response.refresh_token = token;
  }
  if (scopes.includes("openid")) {
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
        // Okta: the token endpoint always issues an access token alongside, so the ID token carries only the custom
        // claims with alwaysIncludeInToken; /userinfo has the rest.
        claims: { ...customClaimsFor(i.bundle, "IDENTITY", i.client, i.user, scopes, i.now, true), ...standardClaims(i.bundle, i.user, scopes) },
      },
      i.now,
    );
  }
  return response;
}
