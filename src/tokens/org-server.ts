import { ADMIN_SCOPES } from "./route-scopes";
import { ORG_SERVER_ID } from "../issuer";
import type { PolicyConfig } from "../policy/types";
import type { AuthorizationServerRecord } from "../store/authorization-servers";
import type { ScopeRecord } from "../store/scopes";
import { SYSTEM_SCOPE_DEFINITIONS } from "../store/scopes";
import type { ServerBundle } from "../cache/server-bundle";

/**
 * The org authorization server (Okta): issuer = the org's base URL, endpoints under /oauth2/v1, not customisable
 * (no custom scopes, claims or policies). It signs ID tokens with the keys it publishes at /oauth2/v1/keys and its
 * access tokens — which are for the admin API only — with separate keys it never publishes; resource servers
 * validate those through /oauth2/v1/introspect.
 */
export { ORG_SERVER_ID };
/** The key store of the org server's access tokens: never published. */
export const ORG_ACCESS_TOKEN_KEYS = "org-access-tokens";

const EPOCH = "2026-01-01T00:00:00.000Z";

function scope(name: string, description: string, system: boolean): ScopeRecord {
  return {
    id: `scp${name.replace(/[^A-Za-z0-9]/g, "").slice(0, 17).padEnd(17, "0")}`,
    authServerId: ORG_SERVER_ID,
    name,
    displayName: name,
    description,
    consent: "IMPLICIT",
    isDefault: false,
    metadataPublish: "ALL_CLIENTS",
    system,
    optional: false,
    created: EPOCH,
    lastUpdated: EPOCH,
  };
}

// What the org server lets any assigned person or client ask for; admin scopes are further limited to those
// granted to the app (/api/v1/apps/{id}/grants), checked in org-scopes.ts.
const ORG_POLICY: PolicyConfig = {
  id: "00porgserverpolicy00",
  name: "Org Authorization Server",
  priority: 1,
  status: "ACTIVE",
  clients: ["ALL_CLIENTS"],
  rules: [
    {
      id: "0prorgserverrule0000",
      name: "Org Authorization Server",
      priority: 1,
      status: "ACTIVE",
      people: { users: { include: [], exclude: [] }, groups: { include: ["EVERYONE"], exclude: [] } },
      grantTypes: ["authorization_code", "implicit", "refresh_token", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"],
      scopes: ["*"],
      token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
    },
  ],
};

const ORG_SCOPES: ScopeRecord[] = [
  ...SYSTEM_SCOPE_DEFINITIONS.filter((s) => s.name !== "device_sso").map((s) => scope(s.name, s.description, true)),
  // Okta's org server: the `groups` claim with the names of the person's groups.
  scope("groups", "Allows this application to know the groups you belong to.", true),
  ...ADMIN_SCOPES.map((name) => scope(name, `Okta admin API: ${name}`, false)),
];

const bundles = new Map<string, ServerBundle>();

/** The org server as the OAuth endpoints see it; its audience is the org's base URL (Okta). */
export function orgBundle(base: string): ServerBundle {
  let bundle = bundles.get(base);
  if (!bundle) {
    const server: AuthorizationServerRecord = {
      seq: 0,
      id: ORG_SERVER_ID,
      name: "Org Authorization Server",
      description: null,
      audiences: [base],
      issuerMode: "ORG_URL",
      status: "ACTIVE",
      rotationMode: "AUTO",
      signingAlg: "RS256",
      created: EPOCH,
      lastUpdated: EPOCH,
    };
    // Okta: the org server has no custom claims.
    bundle = { server, scopes: ORG_SCOPES, policies: [ORG_POLICY], claims: [] };
    if (bundles.size > 16) bundles.clear();
    bundles.set(base, bundle);
  }
  return bundle;
}

/** The key store that signs a server's access tokens: its own, except the org server's unpublished one. */
export const accessTokenKeyStore = (serverId: string) => (serverId === ORG_SERVER_ID ? ORG_ACCESS_TOKEN_KEYS : serverId);

export const isAdminScope = (scope: string) => scope.startsWith("okta.");
