import { expect } from "vitest";
import { admin, BASE, createServer } from "./admin";
import { createPolicy, type Client, type Json } from "./clients";
import { LOGOUT_REDIRECT, PASSWORD, REDIRECT } from "./people-constants";

/**
 * Builders for the people side of the authorization code flow: people, their assignments, OIDC web apps and an
 * authorization server whose policy lets people through. The browser's steps (browser-flow.ts), codes and tokens
 * (code-flow.ts) and PKCE (pkce.ts) are re-exported here, so one import serves a test.
 */

export * from "./people-constants";
export * from "./pkce";
export * from "./browser-flow";
export * from "./code-flow";

// ---------------------------------------------------------------------------------------------------------------
// People, groups, assignments

export interface Person {
  user: Json;
  id: string;
  login: string;
  password: string;
}

export interface PersonOptions {
  /** Extra profile attributes (or overrides of the defaults). */
  profile?: Json;
  /** false: created STAGED (Okta activate=false). */
  activate?: boolean;
  password?: string;
}

export async function createPerson(o: PersonOptions = {}): Promise<Person> {
  const login = `p-${crypto.randomUUID()}@example.com`;
  const password = o.password ?? PASSWORD;
  const profile = { login, email: login, firstName: "Ada", lastName: "Lovelace", ...o.profile };
  const res = await admin(`/users?activate=${o.activate ?? true}`, { method: "POST", json: { profile, credentials: { password: { value: password } } } });
  const user = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`user create failed: ${res.status} ${JSON.stringify(user)}`);
  return { user, id: user.id, login: user.profile.login, password };
}

export async function userLifecycle(userId: string, op: "activate" | "deactivate" | "suspend" | "unsuspend"): Promise<void> {
  const res = await admin(`/users/${userId}/lifecycle/${op}`, { method: "POST" });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function createGroup(): Promise<Json> {
  const res = await admin("/groups", { method: "POST", json: { profile: { name: `group-${crypto.randomUUID()}` } } });
  const group = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`group create failed: ${res.status} ${JSON.stringify(group)}`);
  return group;
}

export async function addMember(groupId: string, userId: string): Promise<void> {
  const res = await admin(`/groups/${groupId}/users/${userId}`, { method: "PUT" });
  expect(res.status, await res.clone().text()).toBe(204);
}

export async function removeMember(groupId: string, userId: string): Promise<void> {
  const res = await admin(`/groups/${groupId}/users/${userId}`, { method: "DELETE" });
  expect(res.status, await res.clone().text()).toBe(204);
}

export async function assignUser(appId: string, userId: string): Promise<void> {
  const res = await admin(`/apps/${appId}/users`, { method: "POST", json: { id: userId } });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function assignGroup(appId: string, groupId: string): Promise<void> {
  const res = await admin(`/apps/${appId}/groups/${groupId}`, { method: "PUT", json: {} });
  expect(res.status, await res.clone().text()).toBe(200);
}

// ---------------------------------------------------------------------------------------------------------------
// OIDC apps

export interface WebAppOptions {
  label?: string;
  application_type?: "web" | "native" | "browser";
  method?: "client_secret_basic" | "client_secret_post" | "none";
  grant_types?: string[];
  response_types?: string[];
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  consent_method?: "TRUSTED" | "REQUIRED";
  pkce_required?: boolean;
}

/** An OIDC app a person signs in to: a web app with a secret, code and refresh grants, unless told otherwise. */
export async function createWebApp(o: WebAppOptions = {}): Promise<Client> {
  const body = {
    name: "oidc_client",
    label: o.label ?? `web-${crypto.randomUUID()}`,
    signOnMode: "OPENID_CONNECT",
    credentials: {
      oauthClient: {
        token_endpoint_auth_method: o.method ?? "client_secret_basic",
        ...(o.pkce_required === undefined ? {} : { pkce_required: o.pkce_required }),
      },
    },
    settings: {
      oauthClient: {
        application_type: o.application_type ?? "web",
        redirect_uris: o.redirect_uris ?? [REDIRECT],
        post_logout_redirect_uris: o.post_logout_redirect_uris ?? [LOGOUT_REDIRECT],
        grant_types: o.grant_types ?? ["authorization_code", "refresh_token"],
        response_types: o.response_types ?? ["code"],
        ...(o.consent_method ? { consent_method: o.consent_method } : {}),
      },
    },
  };
  const res = await admin("/apps", { method: "POST", json: body });
  const app = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`app create failed: ${res.status} ${JSON.stringify(app)}`);
  return { app, id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
}

/** An app with `person` assigned to it directly. */
export async function appFor(person: Person, o: WebAppOptions = {}): Promise<Client> {
  const client = await createWebApp(o);
  await assignUser(client.id, person.id);
  return client;
}

// ---------------------------------------------------------------------------------------------------------------
// Authorization servers for people

export interface PeopleRuleOptions {
  grantTypes?: string[];
  scopes?: string[];
  people?: Json;
  accessTokenLifetimeMinutes?: number;
  refreshTokenLifetimeMinutes?: number;
  refreshTokenWindowMinutes?: number;
  priority?: number;
  name?: string;
}

export function peopleRuleBody(o: PeopleRuleOptions = {}): Json {
  const token = {
    ...(o.accessTokenLifetimeMinutes !== undefined ? { accessTokenLifetimeMinutes: o.accessTokenLifetimeMinutes } : {}),
    ...(o.refreshTokenLifetimeMinutes !== undefined ? { refreshTokenLifetimeMinutes: o.refreshTokenLifetimeMinutes } : {}),
    ...(o.refreshTokenWindowMinutes !== undefined ? { refreshTokenWindowMinutes: o.refreshTokenWindowMinutes } : {}),
  };
  return {
    type: "RESOURCE_ACCESS",
    name: o.name ?? `rule-${crypto.randomUUID()}`,
    ...(o.priority ? { priority: o.priority } : {}),
    conditions: {
      ...(o.people ? { people: o.people } : {}),
      grantTypes: { include: o.grantTypes ?? ["authorization_code", "implicit", "refresh_token"] },
      scopes: { include: o.scopes ?? ["*"] },
    },
    ...(Object.keys(token).length ? { actions: { token } } : {}),
  };
}

export async function createPeopleRule(serverId: string, policyId: string, o: PeopleRuleOptions = {}): Promise<Json> {
  const res = await admin(`/authorizationServers/${serverId}/policies/${policyId}/rules`, { method: "POST", json: peopleRuleBody(o) });
  const rule = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`rule create failed: ${res.status} ${JSON.stringify(rule)}`);
  return rule;
}

export interface PeopleServer {
  server: Json;
  id: string;
  issuer: string;
  audience: string;
  policy: Json;
  rule: Json;
}

/**
 * A fresh custom authorization server with its system scopes (openid, profile, …), any extra scopes, one policy
 * for ALL_CLIENTS and one rule for people (code, implicit, refresh; any scope) unless `rule` says otherwise.
 */
export async function peopleServer(o: { name?: string; scopes?: Json[]; rule?: PeopleRuleOptions } = {}): Promise<PeopleServer> {
  const audience = `api://${crypto.randomUUID()}`;
  const server = await createServer({ audiences: [audience], ...(o.name ? { name: o.name } : {}) });
  for (const scope of o.scopes ?? []) {
    const res = await admin(`/authorizationServers/${server.id}/scopes`, { method: "POST", json: scope });
    if (res.status !== 201) throw new Error(`scope create failed: ${res.status} ${await res.text()}`);
  }
  const policy = await createPolicy(server.id);
  const rule = await createPeopleRule(server.id, policy.id, o.rule);
  return { server, id: server.id, issuer: `${BASE}/oauth2/${server.id}`, audience, policy, rule };
}
