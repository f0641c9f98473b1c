import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { sha256Hex } from "../../digest";
import type { PolicyDecision } from "../../policy/types";
import type { AppRecord } from "../../store/apps";
import { newHolder, newSecretFor, saveCode } from "../../sessions/client";
import { mayRefresh, registerHolder } from "../../sessions/register";
import type { SessionRecord } from "../../store/sessions";
import type { UserRecord } from "../../store/users";
import { issuerOf } from "../../issuer";
import { mintIdToken } from "../minting/id-token";
import type { ServerBundle } from "../../cache/server-bundle";
import { customClaimsFor, standardClaims } from "../minting/token-claims";
import { mintUserAccessToken, readySigners, tokenUser, type TokenUser, type UserGrant } from "../minting/user-tokens";
import type { AuthorizeRequest } from "./request";
import { redirectToClient } from "./respond";
import { epochSeconds } from "../../clock";
import { logEvent } from "../../log/emit";
import { codeIssuedEvent } from "../people-events";

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
}

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
  let code: string | undefined;
  if (req.responseTypes.includes("code")) {
    // Issue 17: the code lives in a new SessionStore created here, near the person, and names it; the family its
    // redemption begins lives there too. The index row first: a failure then leaves no code that it does not name.
    const holder = newHolder(c.env);
    code = newSecretFor(holder);
    const expiresAt = epochSeconds(now) + CODE_LIFETIME_SECONDS;
    const owner = { userId: user.id, clientId: client.clientId, authServerId: bundle.server.id };
    // Every code is indexed, so that ending the person's access deletes it before it is redeemed (the redemption
    // reads no D1); a code that cannot begin a family is indexed only until it expires.
    await registerHolder(c.env, holder, owner, mayRefresh(grant, client.settings.grant_types) ? grant : null, epochSeconds(now), expiresAt);
    // The person as the code's redemption will describe them (their profile and groups, read for this request).
    await saveCode(holder, await sha256Hex(code), { ...owner, redirectUri: req.redirectUri, grant, expiresAt }, tokenUser(user, a.groups));
    out.code = code;
    logEvent(c, codeIssuedEvent(bundle, user.id, client.clientId, grant.scopes));
  }
  const person: TokenUser = { id: user.id, login: String(user.profile.login), profile: user.profile, lastUpdated: user.lastUpdated, groups: a.groups };
  let accessToken: string | undefined;
  if (req.responseTypes.includes("token")) {
    const access = await mintUserAccessToken({ env: c.env, bundle, client, issuer, user: person, grant, now });
    accessToken = access.token;
    Object.assign(out, { access_token: access.token, token_type: "Bearer", expires_in: String(access.expiresIn), scope: grant.scopes.join(" ") });
  }
  if (req.responseTypes.includes("id_token")) {
    out.id_token = await mintIdToken(
      c.env,
      bundle.server.id,
      {
        iss: issuer,
        clientId: client.clientId,
        userId: user.id,
        authTime: session.authTime,
        amr: session.amr,
        nonce: req.nonce,
        accessToken,
        code,
        // Okta: when an access token is issued alongside, a custom server's ID token is thin: only claims with
        // alwaysIncludeInToken; the others are at /userinfo.
        claims: {
          ...customClaimsFor(bundle, "IDENTITY", client, person, grant.scopes, now, accessToken !== undefined),
          ...(accessToken ? {} : standardClaims(bundle, person, grant.scopes)),
        },
      },
      now,
    );
  }
  out.state = req.state;
  // RFC 9207 2: the issuer identifies who answered.
  out.iss = issuer;
  return redirectToClient(req.redirectUri, req.responseMode, out, a.cookies);
}
