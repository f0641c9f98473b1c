import { admin, BASE } from "../support/admin";

export const COLLECTION = `${BASE}/api/v1/authorizationServers`;
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Okta's AuthorizationServer._links for a server in the given state. */
export function expectedLinks(id: string, status: "ACTIVE" | "INACTIVE") {
  const self = `${COLLECTION}/${id}`;
  const wellKnown = `${BASE}/oauth2/${id}/.well-known`;
  return {
    scopes: { href: `${self}/scopes`, hints: { allow: ["GET"] } },
    claims: { href: `${self}/claims`, hints: { allow: ["GET"] } },
    policies: { href: `${self}/policies`, hints: { allow: ["GET"] } },
    self: { href: self, hints: { allow: ["GET", "DELETE", "PUT"] } },
    metadata: [
      { name: "oauth-authorization-server", href: `${wellKnown}/oauth-authorization-server`, hints: { allow: ["GET"] } },
      { name: "openid-configuration", href: `${wellKnown}/openid-configuration`, hints: { allow: ["GET"] } },
    ],
    rotateKey: { href: `${self}/credentials/lifecycle/keyRotate`, hints: { allow: ["POST"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
  };
}

export const post = (json: unknown) => admin("/authorizationServers", { method: "POST", json });
export const put = (id: string, json: unknown) => admin(`/authorizationServers/${id}`, { method: "PUT", json });
export const lifecycle = (id: string, op: "activate" | "deactivate") =>
  admin(`/authorizationServers/${id}/lifecycle/${op}`, { method: "POST" });

export const VALID = { name: "Valid", description: "d", audiences: ["api://valid"] };
export const json = (body: unknown): RequestInit => ({ headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
