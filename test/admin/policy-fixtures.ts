import { expect } from "vitest";
import { admin, BASE } from "../support/admin";

export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const POLICY_INVALID = "Api validation failed: AuthorizationServerPolicy";
export const RULE_INVALID = "Api validation failed: AuthorizationServerPolicyRule";
export const DEFAULT_POLICY = "00pdefaultpolicy0001";
export const DEFAULT_RULE = "0prdefaultpolicyrule";

export const policiesPath = (serverId: string) => `/authorizationServers/${serverId}/policies`;
export const rulesPath = (serverId: string, policyId: string) => `${policiesPath(serverId)}/${policyId}/rules`;
export const send = (method: string, path: string, json?: unknown) => admin(path, { method, ...(json === undefined ? {} : { json }) });

export const policyBody = (over: Record<string, unknown> = {}) => ({
  type: "OAUTH_AUTHORIZATION_POLICY",
  name: "Vendor2 Policy",
  description: "Vendor2 policy description",
  conditions: { clients: { include: ["ALL_CLIENTS"] } },
  ...over,
});

export const ruleBody = (over: Record<string, unknown> = {}) => ({
  type: "RESOURCE_ACCESS",
  name: "Rule",
  conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } },
  ...over,
});

export async function createPolicy(serverId: string, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await send("POST", policiesPath(serverId), policyBody(over));
  expect(res.status).toBe(201);
  return res.json();
}

export async function createRule(serverId: string, policyId: string, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await send("POST", rulesPath(serverId, policyId), ruleBody(over));
  expect(res.status).toBe(201);
  return res.json();
}

export async function getJson(path: string): Promise<any> {
  const res = await admin(path);
  expect(res.status).toBe(200);
  return res.json();
}

/** "name:priority" in list order, which must be priority order. */
export async function order(path: string): Promise<string[]> {
  return ((await getJson(path)) as any[]).map((x) => `${x.name}:${x.priority}`);
}

export function policyLinks(serverId: string, id: string, status: "ACTIVE" | "INACTIVE") {
  const self = `${BASE}/api/v1/authorizationServers/${serverId}/policies/${id}`;
  return {
    self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
    rules: { href: `${self}/rules`, hints: { allow: ["GET"] } },
  };
}

export function ruleLinks(serverId: string, policyId: string, id: string, status: "ACTIVE" | "INACTIVE") {
  const self = `${BASE}/api/v1/authorizationServers/${serverId}/policies/${policyId}/rules/${id}`;
  return {
    self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
  };
}

export const EVERYONE = { users: { include: [], exclude: [] }, groups: { include: ["EVERYONE"], exclude: [] } };
export const DEFAULT_TOKEN = { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 };
export const DEFAULT_RULE_CONDITIONS = {
  people: EVERYONE,
  grantTypes: { include: ["implicit", "client_credentials", "authorization_code", "password"] },
  scopes: { include: ["*"] },
};
