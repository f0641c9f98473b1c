-- Mintgate's D1 schema. Applied by `npm start` to the local database, by the tests to theirs,
-- and by `wrangler d1 execute mintgate --remote --file schema.sql` on deploy. Every statement is
-- idempotent so that applying it again to a live database changes nothing.
-- Signing keys are not here: each authorization server's keys live in its own Durable Object.

-- Authorization servers (Okta /api/v1/authorizationServers).
-- Invariants: id is unique and immutable; `default` always exists (it can be renamed and
-- deactivated, never deleted); audiences is a JSON array with exactly one string (Okta);
-- seq orders the list and is the opaque pagination cursor.
CREATE TABLE IF NOT EXISTS authorization_servers (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  id            TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  description   TEXT,
  audiences     TEXT NOT NULL,
  issuer_mode   TEXT NOT NULL CHECK (issuer_mode IN ('ORG_URL', 'CUSTOM_URL', 'DYNAMIC')),
  status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  rotation_mode TEXT NOT NULL CHECK (rotation_mode IN ('AUTO', 'MANUAL')),
  created       TEXT NOT NULL,
  last_updated  TEXT NOT NULL
);

-- Access policies of a custom authorization server (OAUTH_AUTHORIZATION_POLICY).
-- Invariants: scoped by auth_server_id and deleted with it; conditions is the Okta JSON object.
CREATE TABLE IF NOT EXISTS policies (
  id             TEXT PRIMARY KEY,
  auth_server_id TEXT NOT NULL REFERENCES authorization_servers(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  description    TEXT,
  priority       INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  system         INTEGER NOT NULL DEFAULT 0,
  conditions     TEXT NOT NULL,
  created        TEXT NOT NULL,
  last_updated   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS policies_by_server ON policies (auth_server_id, priority);

-- Rules of an access policy (RESOURCE_ACCESS).
-- Invariants: scoped by auth_server_id and policy_id, deleted with the policy; conditions and
-- actions are the Okta JSON objects.
CREATE TABLE IF NOT EXISTS policy_rules (
  id             TEXT PRIMARY KEY,
  auth_server_id TEXT NOT NULL,
  policy_id      TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  priority       INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  system         INTEGER NOT NULL DEFAULT 0,
  conditions     TEXT NOT NULL,
  actions        TEXT NOT NULL,
  created        TEXT NOT NULL,
  last_updated   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS policy_rules_by_policy ON policy_rules (auth_server_id, policy_id, priority);

-- API tokens for `Authorization: SSWS <token>`.
-- Invariants: only the SHA-256 of a token is stored, never the token; token_hash is unique.
CREATE TABLE IF NOT EXISTS api_tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created    TEXT NOT NULL
);

-- The pre-configured custom authorization server `default`, with the policy and rule Okta ships.
INSERT OR IGNORE INTO authorization_servers
  (id, name, description, audiences, issuer_mode, status, rotation_mode, created, last_updated)
VALUES
  ('default', 'default', 'Default Authorization Server for your Applications', '["api://default"]',
   'ORG_URL', 'ACTIVE', 'AUTO',
   strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

INSERT OR IGNORE INTO policies
  (id, auth_server_id, name, description, priority, status, system, conditions, created, last_updated)
VALUES
  ('00pdefaultpolicy0001', 'default', 'Default Policy', 'Default policy description', 1, 'ACTIVE', 0,
   '{"clients":{"include":["ALL_CLIENTS"]}}',
   strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

INSERT OR IGNORE INTO policy_rules
  (id, auth_server_id, policy_id, name, priority, status, system, conditions, actions, created, last_updated)
VALUES
  ('0prdefaultpolicyrule', 'default', '00pdefaultpolicy0001', 'Default Policy Rule', 1, 'ACTIVE', 0,
   '{"people":{"users":{"include":[],"exclude":[]},"groups":{"include":["EVERYONE"],"exclude":[]}},"grantTypes":{"include":["implicit","client_credentials","authorization_code","password"]},"scopes":{"include":["*"]}}',
   '{"token":{"accessTokenLifetimeMinutes":60,"refreshTokenLifetimeMinutes":0,"refreshTokenWindowMinutes":10080}}',
   strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
