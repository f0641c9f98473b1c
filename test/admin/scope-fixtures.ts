import { expect } from "vitest";
import { admin, BASE } from "../support/admin";

export const SYSTEM_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"];
export const VALIDATION = "Api validation failed: OAuth2Scope";

export const scopesPath = (serverId: string) => `/authorizationServers/${serverId}/scopes`;
export const post = (serverId: string, json: unknown) => admin(scopesPath(serverId), { method: "POST", json });
export const put = (serverId: string, scopeId: string, json: unknown) => admin(`${scopesPath(serverId)}/${scopeId}`, { method: "PUT", json });
export const del = (serverId: string, scopeId: string) => admin(`${scopesPath(serverId)}/${scopeId}`, { method: "DELETE" });

export async function create(serverId: string, json: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await post(serverId, json);
  expect(res.status).toBe(201);
  return res.json();
}

export async function listAll(serverId: string, query = ""): Promise<Record<string, any>[]> {
  const res = await admin(`${scopesPath(serverId)}${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

export const selfLink = (serverId: string, scopeId: string, ...allow: string[]) => ({
  self: { href: `${BASE}/api/v1/authorizationServers/${serverId}/scopes/${scopeId}`, hints: { allow } },
});
