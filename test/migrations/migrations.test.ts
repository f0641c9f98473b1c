import { env } from "cloudflare:workers";
import { applyD1Migrations } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getApp, getAppByClientId } from "../../src/store/apps";
import { getServer } from "../../src/store/authorization-servers";
import { getGroup } from "../../src/store/groups";
import { listScopes } from "../../src/store/scopes";
import { getUser, getUserWithGroups, setPrimaryEmailStatus } from "../../src/store/users";
import { schemaStatements } from "../support/schema";
import { describeSchema } from "./describe-schema";

/**
 * Deployed databases upgrade through migrations/ (`wrangler d1 migrations apply`), while the tests, the bench and
 * readers use schema.sql, the consolidated schema. These tests hold the two together: a change to schema.sql without
 * a migration (or a migration without the schema.sql change) fails here.
 */
const migrations = env.TEST_MIGRATIONS;
const [firstRelease] = migrations;

async function batch(db: D1Database, statements: string[]): Promise<void> {
  await db.batch(statements.map((s) => db.prepare(s)));
}

describe("migrations/", () => {
  it("are numbered 0001, 0002, … without gaps, the first being the first release's schema", () => {
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    migrations.forEach((m, i) => expect(m.name).toMatch(new RegExp(`^${String(i + 1).padStart(4, "0")}_[a-z0-9_]+\\.sql$`)));
    expect(firstRelease!.name).toBe("0001_first_release.sql");
  });

  it("applied in order to an empty database yield exactly schema.sql's tables, columns, indexes and seed rows", async () => {
    await applyD1Migrations(env.MIGRATED_DB, migrations);
    await batch(env.CONSOLIDATED_DB, schemaStatements());
    const migrated = await describeSchema(env.MIGRATED_DB);
    const consolidated = await describeSchema(env.CONSOLIDATED_DB);
    // Named first so that a failure says which objects are missing on which side.
    expect(migrated.map((o) => `${o.type} ${o.name}`)).toEqual(consolidated.map((o) => `${o.type} ${o.name}`));
    expect(migrated).toEqual(consolidated);
  });
});

/** Rows as the previous release wrote them: its own column lists, its own JSON shapes. */
const PREVIOUS_RELEASE_DATA = [
  `INSERT INTO authorization_servers (id, name, description, audiences, issuer_mode, status, rotation_mode, signing_alg, created, last_updated)
   VALUES ('ausupgrade0000000001', 'orders', 'Orders API', '["api://orders"]', 'ORG_URL', 'ACTIVE', 'AUTO', 'ES256', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z')`,
  `INSERT INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
   VALUES ('scpupgrade0000000001', 'ausupgrade0000000001', 'orders:read', 'Read orders', NULL, 'IMPLICIT', 0, 'ALL_CLIENTS', 0, 0, '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z')`,
  `INSERT INTO apps (id, client_id, label, status, token_endpoint_auth_method, secret_hash, secret_sealed, settings, jwks, tokens_not_before, created, last_updated)
   VALUES ('0oaupgrade0000000001', '0oaupgradeclient00001', 'Orders SPA', 'ACTIVE', 'none', NULL, NULL,
     '{"application_type":"browser","redirect_uris":["https://spa.example/cb"],"post_logout_redirect_uris":[],"response_types":["code"],"grant_types":["authorization_code","refresh_token"],"consent_method":"TRUSTED","pkce_required":true}',
     NULL, NULL, '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z')`,
  `INSERT INTO users (id, status, login_lower, email_lower, profile, password_hash, created, activated, status_changed, last_login, last_updated, password_changed)
   VALUES ('00uupgrade0000000001', 'ACTIVE', 'ada@example.com', 'ada@example.com', '{"login":"ada@example.com","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace"}',
     NULL, '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z', NULL, '2026-11-20T10:00:00.000Z', NULL)`,
  `INSERT INTO groups (id, type, name, profile, created, last_updated, last_membership_updated)
   VALUES ('00gupgrade0000000001', 'OKTA_GROUP', 'Buyers', '{"name":"Buyers","description":null}', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z')`,
  `INSERT INTO group_members (group_id, user_id) VALUES ('00gupgrade0000000001', '00uupgrade0000000001')`,
  `INSERT INTO app_user_assignments (app_id, user_id, created) VALUES ('0oaupgrade0000000001', '00uupgrade0000000001', '2026-11-20T10:00:00.000Z')`,
];

describe.each([
  ["created by the previous release's schema.sql (no migrations table)", false, env.OLD_SCHEMA_DB],
  ["created by migration 0001 (the migrations table records it)", true, env.OLD_MIGRATED_DB],
])("a database %s", (_, throughMigrations, db) => {
  it("upgrades through the migrations, keeps its data, and today's code reads and writes it", async () => {
    if (throughMigrations) await applyD1Migrations(db, [firstRelease!]);
    else await batch(db, firstRelease!.queries);
    await batch(db, PREVIOUS_RELEASE_DATA);

    await applyD1Migrations(db, migrations);

    const applied = await db.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
    expect(applied.results.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
    const server = await getServer(db, "ausupgrade0000000001");
    expect(server).toMatchObject({ name: "orders", description: "Orders API", audiences: ["api://orders"], status: "ACTIVE" });
    expect((await listScopes(db, "ausupgrade0000000001")).map((s) => s.name)).toContain("orders:read");
    expect(await getAppByClientId(db, "0oaupgradeclient00001")).toMatchObject({
      id: "0oaupgrade0000000001",
      label: "Orders SPA",
      settings: { application_type: "browser", redirect_uris: ["https://spa.example/cb"], pkce_required: true },
    });
    expect(await getApp(db, "0oaupgrade0000000001")).not.toBeNull();
    expect(await getUserWithGroups(db, "00uupgrade0000000001")).toMatchObject({
      user: { id: "00uupgrade0000000001", status: "ACTIVE", profile: { firstName: "Ada", lastName: "Lovelace" } },
      groups: expect.arrayContaining([{ id: "00gupgrade0000000001", name: "Buyers" }]),
    });
    expect(await getGroup(db, "00gupgrade0000000001")).not.toBeNull();
    // A table the upgrade added takes writes for an old row.
    await setPrimaryEmailStatus(db, "00uupgrade0000000001", "ada@example.com", "VERIFIED");
    expect(await getUser(db, "00uupgrade0000000001")).not.toBeNull();
    const email = await db.prepare("SELECT status FROM user_emails WHERE user_id = ?1").bind("00uupgrade0000000001").first<{ status: string }>();
    expect(email).toEqual({ status: "VERIFIED" });

    // And the upgraded database has today's schema, data aside.
    await batch(env.CONSOLIDATED_DB, schemaStatements());
    expect(await describeSchema(db, { rows: false })).toEqual(await describeSchema(env.CONSOLIDATED_DB, { rows: false }));
  });
});

// Until migrations/ existed, deploys and `npm start` applied schema.sql directly; migration 0002 is that last
// schema.sql. Such a database has no migrations table: 0001 and 0002 (IF NOT EXISTS, OR IGNORE) change nothing
// there, and later migrations apply as to any other database.
const LAST_SCHEMA_WITHOUT_MIGRATIONS = "0002_second_release.sql";

describe("a database created by schema.sql as it was when migrations were introduced", () => {
  it("adopts the migrations without error and ends with schema.sql's schema", async () => {
    const db = env.ADOPTING_DB;
    for (const m of migrations.filter((m) => m.name <= LAST_SCHEMA_WITHOUT_MIGRATIONS)) await batch(db, m.queries);
    await applyD1Migrations(db, migrations);
    await batch(env.CONSOLIDATED_DB, schemaStatements());
    expect(await describeSchema(db)).toEqual(await describeSchema(env.CONSOLIDATED_DB));
  });
});

// A released migration never changes: deployed databases have already run it, and wrangler would not run it again.
// The next change is a new migration. (0002 is locked too once the release that ships it is out.)
const RELEASED: Record<string, string> = {
  "0001_first_release.sql": "8e72ad49a237fe7d00c050da089792fc9c0e09f007205527d4392edf0a710f71",
};

describe("released migrations", () => {
  it.each(Object.entries(RELEASED))("%s is unchanged", async (name, digest) => {
    const m = migrations.find((x) => x.name === name);
    const bytes = new TextEncoder().encode(m!.queries.join("\n;\n"));
    const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(hex).toBe(digest);
  });
});
