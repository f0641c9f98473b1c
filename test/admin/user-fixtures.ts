import { expect } from "vitest";
import { admin, BASE } from "../support/admin";

export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
export const PASSWORD = "Tr0ub4dor&3x";
export const VALIDATION = "Api validation failed: User";

export const post = (json: unknown, query = "") => admin(`/users${query}`, { method: "POST", json });
export const lifecycle = (id: string, op: string) => admin(`/users/${id}/lifecycle/${op}`, { method: "POST" });

export async function getUserJson(id: string) {
  const res = await admin(`/users/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

export const userLinks = (id: string, ...ops: string[]) => ({
  self: { href: `${BASE}/api/v1/users/${id}` },
  ...Object.fromEntries(ops.map((op) => [op, { href: `${BASE}/api/v1/users/${id}/lifecycle/${op}`, method: "POST" }])),
});

export const notFoundUser = (id: string) => [404, "E0000007", `Not found: Resource not found: ${id} (User)`] as const;
