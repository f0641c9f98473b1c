import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import { expect } from "vitest";
import { BASE, call } from "./admin";
import { asBasic, oauthPost, tokenBody, type Client, type Json } from "./clients";
import { authorize, codeParams, redirectParams, signIn } from "./browser-flow";
import { REDIRECT } from "./people-constants";
import type { Person } from "./people";
import { pkce } from "./pkce";

// Codes and tokens: a PKCE-bound code for a person, its redemption, refresh, and reading the tokens back.

export interface Authorized {
  code: string;
  verifier: string;
  params: Record<string, string>;
  sid: string;
}

/** Signs `person` in (or reuses `sid`) and returns a PKCE-bound code for `client`. */
export async function codeFor(serverId: string, client: Client, person: Person, o: { extra?: Record<string, string>; sid?: string } = {}): Promise<Authorized> {
  const { verifier, challenge } = await pkce();
  const params = codeParams(client, { code_challenge: challenge, code_challenge_method: "S256", ...o.extra });
  let res: Response;
  let sid = o.sid;
  if (sid) {
    res = await authorize(serverId, params, { cookies: [sid] });
  } else {
    ({ res, sid } = await signIn(serverId, params, person));
  }
  const back = redirectParams(res);
  expect(back.state).toBe(params.state);
  expect(back.code, JSON.stringify(back)).toBeTruthy();
  return { code: back.code!, verifier, params, sid: sid! };
}

/** The client's authentication at the token endpoint: Basic for confidential clients, client_id for public ones. */
function clientAuth(client: Client): { headers: Record<string, string>; body: Record<string, string> } {
  return client.secret ? { headers: asBasic(client), body: {} } : { headers: {}, body: { client_id: client.clientId } };
}

/** Redeems a code (RFC 6749 4.1.3); absent options mean the matching values. */
export function redeem(serverId: string, client: Client, a: Pick<Authorized, "code" | "verifier">, o: { redirect_uri?: string | null; code_verifier?: string | null } = {}): Promise<Response> {
  const { headers, body } = clientAuth(client);
  const params: Record<string, string> = { grant_type: "authorization_code", code: a.code, ...body };
  const redirect = o.redirect_uri === undefined ? REDIRECT : o.redirect_uri;
  if (redirect !== null) params.redirect_uri = redirect;
  const verifier = o.code_verifier === undefined ? a.verifier : o.code_verifier;
  if (verifier !== null) params.code_verifier = verifier;
  return oauthPost(serverId, "token", params, headers);
}

export function refresh(serverId: string, client: Client, refreshToken: string, scope?: string): Promise<Response> {
  const { headers, body } = clientAuth(client);
  return oauthPost(serverId, "token", { grant_type: "refresh_token", refresh_token: refreshToken, ...(scope === undefined ? {} : { scope }), ...body }, headers);
}

/** Signs in and redeems the code: the token response of a whole code flow. */
export async function tokensFor(serverId: string, client: Client, person: Person, o: { extra?: Record<string, string>; sid?: string } = {}): Promise<Json & { sid: string }> {
  const a = await codeFor(serverId, client, person, o);
  return { ...(await tokenBody(await redeem(serverId, client, a))), sid: a.sid };
}

export async function verifyIdToken(serverId: string, idToken: string, clientId: string): Promise<JWTPayload> {
  const keys = createLocalJWKSet((await (await call(`/oauth2/${serverId}/v1/keys`)).json()) as never);
  const { payload } = await jwtVerify(idToken, keys, { issuer: `${BASE}/oauth2/${serverId}`, audience: clientId, algorithms: ["RS256"] });
  return payload;
}

export function userinfo(serverId: string, accessToken: string): Promise<Response> {
  return call(`/oauth2/${serverId}/v1/userinfo`, { headers: { Authorization: `Bearer ${accessToken}` } });
}
