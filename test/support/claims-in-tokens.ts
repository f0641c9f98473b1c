import { expect, vi } from "vitest";
import { admin } from "./admin";
import { createClaim, customClaims, verifyAccessToken } from "./claims";
import { clientCredentials, tokenBody, type Client, type Json } from "./clients";
import {
  addMember,
  appFor,
  authorize,
  codeParams,
  createPerson,
  peopleServer,
  redirectParams,
  sessionFor,
  tokensFor,
  userinfo,
  verifyIdToken,
  type PeopleServer,
  type Person,
} from "./people";

/**
 * The person and web app the claims-in-tokens tests share: a person in eng-a, eng-b and ops (besides Everyone),
 * an app that may use every grant, and a session; with the helpers that read claims through the real endpoints.
 */

export const ALL_GRANTS = ["authorization_code", "implicit", "client_credentials", "refresh_token"];
export const PERSON_SCOPES = "openid profile email offline_access";
export const EMAIL_LOCAL = 'String.substringBefore(user.email, "@")';

async function namedGroup(name: string): Promise<Json> {
  const res = await admin("/groups", { method: "POST", json: { profile: { name } } });
  const group = (await res.json()) as Json;
  expect(res.status, JSON.stringify(group)).toBe(200);
  return group;
}

/** A web app that may use every grant and response type, assigned to `p`. */
export const webAppFor = (p: Person) =>
  appFor(p, { grant_types: ["authorization_code", "implicit", "refresh_token", "client_credentials"], response_types: ["code", "token", "id_token"] });

export interface ClaimsPerson {
  person: Person;
  client: Client;
  sid: string;
  /** The local part of the person's email, what EMAIL_LOCAL yields. */
  local: string;
  /** The groups eng-a, eng-b and ops, by name. */
  groups: Record<string, Json>;
}

/** The shared person (department Engineering, in eng-a, eng-b, ops), their app and a session. */
export async function claimsPerson(): Promise<ClaimsPerson> {
  const person = await createPerson({ profile: { department: "Engineering", employeeNumber: "abc" } });
  const local = person.login.split("@")[0]!;
  const groups: Record<string, Json> = {};
  // Created in this order, so they are listed in this order after the built-in Everyone group.
  for (const name of ["eng-a", "eng-b", "ops"]) {
    groups[name] = await namedGroup(name);
    await addMember(groups[name].id, person.id);
  }
  const client = await webAppFor(person);
  const sid = await sessionFor((await peopleServer()).id, client, person);
  return { person, client, sid, local, groups };
}

export interface ClaimsServer extends PeopleServer {
  claims: Json[];
}

/**
 * A fresh custom server with scopes claims:x and claims:y, one policy whose rule allows the code, implicit,
 * client_credentials and refresh grants for any scope, and these claims.
 */
export async function claimsServer(claims: Json[]): Promise<ClaimsServer> {
  const s = await peopleServer({ scopes: [{ name: "claims:x" }, { name: "claims:y" }], rule: { grantTypes: ALL_GRANTS } });
  const created: Json[] = [];
  for (const body of claims) created.push(await createClaim(s.id, body));
  return { ...s, claims: created };
}

/** Helpers that act as the shared person's app on the shared session (read through `shared` when called). */
export function claimsHelpers(shared: () => Pick<ClaimsPerson, "person" | "client" | "sid">) {
  /** The whole code flow (PKCE) on the shared session: the token endpoint's response. */
  const codeFlow = (s: PeopleServer, scope = PERSON_SCOPES, as: { client: Client; person: Person; sid?: string } = shared()) =>
    tokensFor(s.id, as.client, as.person, { sid: as.sid, extra: { scope } });

  /** An implicit or hybrid request on the shared session: the parameters of the fragment. */
  const implicit = (s: PeopleServer, responseType: string, scope = "openid profile email") =>
    authorize(s.id, codeParams(shared().client, { response_type: responseType, scope }), { cookies: [shared().sid] }).then((res) => redirectParams(res, "fragment"));

  const idClaims = async (s: PeopleServer, token: string) => customClaims(await verifyIdToken(s.id, token, shared().client.clientId));

  const ccToken = async (s: PeopleServer, scope: string) => (await tokenBody(await clientCredentials(s.id, shared().client, scope))).access_token as string;

  return { codeFlow, implicit, idClaims, ccToken };
}

export const accessClaims = async (s: PeopleServer, token: string) => customClaims(await verifyAccessToken(s.id, s.audience, token));

export async function userinfoClaims(s: PeopleServer, accessToken: string): Promise<Record<string, unknown>> {
  const res = await userinfo(s.id, accessToken);
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return customClaims(body);
}

/** Records (and silences) what the Worker logs. */
export const captureLog = () => vi.spyOn(console, "log").mockImplementation(() => {});

/** What the claim builder logs when a claim fails to evaluate. */
export const evaluationFailures = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls
    .map(([line]) => line)
    .filter((line): line is string => typeof line === "string" && line.includes('"claim_evaluation_failed"'))
    .map((line) => JSON.parse(line) as Json);
