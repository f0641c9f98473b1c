/** SQL for scopes (Okta OAuth2Scope). Rows are mapped to domain types here and nowhere else. */
import { newId } from "../ids";

export type ScopeConsent = "REQUIRED" | "IMPLICIT" | "FLEXIBLE";
export type MetadataPublish = "ALL_CLIENTS" | "NO_CLIENTS";

export interface ScopeRecord {
  id: string;
  authServerId: string;
  name: string;
  displayName: string | null;
  description: string | null;
  consent: ScopeConsent;
  isDefault: boolean;
  metadataPublish: MetadataPublish;
  system: boolean;
  optional: boolean;
  created: string;
  lastUpdated: string;
}

interface Row {
  id: string;
  auth_server_id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  consent: ScopeConsent;
  is_default: number;
  metadata_publish: MetadataPublish;
  system: number;
  optional: number;
  created: string;
  last_updated: string;
}

export const SCOPE_COLUMNS =
  "id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated";

export const toScope = (r: Row): ScopeRecord => ({
  id: r.id,
  authServerId: r.auth_server_id,
  name: r.name,
  displayName: r.display_name,
  description: r.description,
  consent: r.consent,
  isDefault: r.is_default === 1,
  metadataPublish: r.metadata_publish,
  system: r.system === 1,
  optional: r.optional === 1,
  created: r.created,
  lastUpdated: r.last_updated,
});

/** Okta's reserved scopes, created with every custom authorization server. */
export const SYSTEM_SCOPE_DEFINITIONS: ReadonlyArray<{ name: string; description: string }> = [
  { name: "openid", description: "Signals that a request is an OpenID request." },
  { name: "profile", description: "Allows this application to access your profile information." },
  { name: "email", description: "Allows this application to access your email address." },
  { name: "address", description: "Allows this application to access your address." },
  { name: "phone", description: "Allows this application to access your phone number." },
  { name: "offline_access", description: "Allows this application to access your information while you are signed out." },
  { name: "device_sso", description: "Allows this application to share your session with other applications on this device." },
];

/** Statements that create a new server's system scopes, for the same batch as the server row. */
export function systemScopeStatements(db: D1Database, authServerId: string, now: string): D1PreparedStatement[] {
  return SYSTEM_SCOPE_DEFINITIONS.map((s) =>
    db
      .prepare(
        `INSERT INTO scopes (${SCOPE_COLUMNS}) VALUES (?1, ?2, ?3, ?3, ?4, 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, ?5, ?5)`,
      )
      .bind(newId("scp"), authServerId, s.name, s.description, now),
  );
}

/** All scopes of a server, system scopes first, then by name. */
export async function listScopes(db: D1Database, authServerId: string): Promise<ScopeRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${SCOPE_COLUMNS} FROM scopes WHERE auth_server_id = ?1 ORDER BY system DESC, created, name`)
    .bind(authServerId)
    .all<Row>();
  return results.map(toScope);
}
