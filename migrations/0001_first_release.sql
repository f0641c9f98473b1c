-- Migration 0001: the schema of the first release (schema.sql as of commit 3ae3193, 2026-11-23, the last commit
-- before the second wave of issues). A database created from that release's schema.sql already has all of this;
-- every statement is IF NOT EXISTS / OR IGNORE, so such a database adopts the migrations without error.
-- Never edit a migration once released: add a new one (README, Schema changes).

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
  -- RS256 as Okta; ES256 and EdDSA are Mintgate options (credentials.signing.alg).
  signing_alg   TEXT NOT NULL DEFAULT 'RS256' CHECK (signing_alg IN ('RS256', 'ES256', 'EdDSA')),
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

-- Scopes of a custom authorization server (Okta OAuth2Scope).
-- Invariants: name unique per server; system scopes (openid, profile, email, address, phone,
-- offline_access, device_sso) are created with every server and cannot be deleted.
CREATE TABLE IF NOT EXISTS scopes (
  id               TEXT PRIMARY KEY,
  auth_server_id   TEXT NOT NULL REFERENCES authorization_servers(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  display_name     TEXT,
  description      TEXT,
  consent          TEXT NOT NULL CHECK (consent IN ('REQUIRED', 'IMPLICIT', 'FLEXIBLE')),
  is_default       INTEGER NOT NULL DEFAULT 0,
  metadata_publish TEXT NOT NULL CHECK (metadata_publish IN ('ALL_CLIENTS', 'NO_CLIENTS')),
  system           INTEGER NOT NULL DEFAULT 0,
  optional         INTEGER NOT NULL DEFAULT 0,
  created          TEXT NOT NULL,
  last_updated     TEXT NOT NULL,
  UNIQUE (auth_server_id, name)
);

-- OIDC applications, i.e. OAuth clients (Okta /api/v1/apps with signOnMode OPENID_CONNECT).
-- Invariants: client_id unique; a client secret is stored only as a PBKDF2 hash (secret_hash), except
-- that client_secret_jwt needs the secret itself to check HMACs, so for that method alone it is also kept
-- encrypted (secret_sealed) with KEY_ENCRYPTION_SECRET. settings and jwks are the Okta JSON objects.
CREATE TABLE IF NOT EXISTS apps (
  seq                        INTEGER PRIMARY KEY AUTOINCREMENT,
  id                         TEXT NOT NULL UNIQUE,
  client_id                  TEXT NOT NULL UNIQUE,
  label                      TEXT NOT NULL,
  status                     TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  token_endpoint_auth_method TEXT NOT NULL,
  secret_hash                TEXT,
  secret_sealed              TEXT,
  settings                   TEXT NOT NULL,
  jwks                       TEXT,
  -- Tokens issued at or before this time (epoch seconds) are dead: set when the app is deactivated (Okta).
  tokens_not_before          INTEGER,
  created                    TEXT NOT NULL,
  last_updated               TEXT NOT NULL
);

-- Revoked access tokens (RFC 7009), until they would have expired anyway.
-- Invariants: scoped by auth_server_id; rows past expires_at are dead and may be purged.
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti            TEXT PRIMARY KEY,
  auth_server_id TEXT NOT NULL,
  expires_at     INTEGER NOT NULL
);

-- jti values of client assertions already used (RFC 7523 3: a jti may be used once).
-- Invariants: (client_id, jti) unique; rows past expires_at may be purged.
CREATE TABLE IF NOT EXISTS used_assertions (
  client_id  TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
);

-- System scopes of the default server (every other server gets them when it is created).
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000001x', 'default', 'openid', 'openid', 'Signals that a request is an OpenID request.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000002x', 'default', 'profile', 'profile', 'Allows this application to access your profile information.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000003x', 'default', 'email', 'email', 'Allows this application to access your email address.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000004x', 'default', 'address', 'address', 'Allows this application to access your address.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000005x', 'default', 'phone', 'phone', 'Allows this application to access your phone number.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000006x', 'default', 'offline_access', 'offline_access', 'Allows this application to access your information while you are signed out.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT OR IGNORE INTO scopes (id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated)
VALUES ('scpdefault000000007x', 'default', 'device_sso', 'device_sso', 'Allows this application to share your session with other applications on this device.', 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- People (Okta /api/v1/users). Invariants: login is unique case-insensitively (login_lower);
-- password_hash is a PBKDF2 string (src/secrets.ts) or NULL; profile is the Okta JSON profile.
CREATE TABLE IF NOT EXISTS users (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  status           TEXT NOT NULL,
  login_lower      TEXT NOT NULL UNIQUE,
  email_lower      TEXT,
  profile          TEXT NOT NULL,
  password_hash    TEXT,
  created          TEXT NOT NULL,
  activated        TEXT,
  status_changed   TEXT,
  last_login       TEXT,
  last_updated     TEXT NOT NULL,
  password_changed TEXT
);

-- Groups (Okta /api/v1/groups). Invariants: the BUILT_IN group `Everyone` holds every user implicitly.
CREATE TABLE IF NOT EXISTS groups (
  seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
  id                      TEXT NOT NULL UNIQUE,
  type                    TEXT NOT NULL CHECK (type IN ('OKTA_GROUP', 'BUILT_IN')),
  name                    TEXT NOT NULL,
  profile                 TEXT NOT NULL,
  created                 TEXT NOT NULL,
  last_updated            TEXT NOT NULL,
  last_membership_updated TEXT NOT NULL
);

-- Group membership. Invariants: deleted with the user or the group.
CREATE TABLE IF NOT EXISTS group_members (
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX IF NOT EXISTS group_members_by_user ON group_members (user_id);

-- App assignments (Okta /api/v1/apps/{id}/users and /groups): only assigned people get tokens for the app.
CREATE TABLE IF NOT EXISTS app_user_assignments (
  app_id  TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created TEXT NOT NULL,
  PRIMARY KEY (app_id, user_id)
);
CREATE TABLE IF NOT EXISTS app_group_assignments (
  app_id   TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL DEFAULT 0,
  created  TEXT NOT NULL,
  PRIMARY KEY (app_id, group_id)
);

-- Trusted origins (Okta /api/v1/trustedOrigins). Invariants: name and origin unique; scopes is a JSON array.
CREATE TABLE IF NOT EXISTS trusted_origins (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL UNIQUE,
  origin          TEXT NOT NULL UNIQUE,
  scopes          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  created         TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  last_updated    TEXT NOT NULL,
  last_updated_by TEXT NOT NULL
);

-- SSO sessions. Invariants: only the SHA-256 of the cookie value is stored; a session past expires_at is dead.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash    TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  auth_time  INTEGER NOT NULL,
  amr        TEXT NOT NULL,
  created    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Authorization codes (RFC 6749 4.1). Invariants: only the SHA-256 of a code is stored; a code is redeemed
-- at most once (consumed_at set by one conditional UPDATE); a redeemed code is kept until it expires so that a
-- replay can revoke what it produced (RFC 6749 10.5).
CREATE TABLE IF NOT EXISTS authorization_codes (
  code_hash      TEXT PRIMARY KEY,
  auth_server_id TEXT NOT NULL,
  client_id      TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  grant_json     TEXT NOT NULL,
  expires_at     INTEGER NOT NULL,
  consumed_at    INTEGER,
  access_jti     TEXT,
  family_id      TEXT
);

-- Refresh tokens (Okta oar…). Invariants: only the SHA-256 of a token is stored; one family per original
-- grant; exactly one unrotated token per live family; presenting a rotated token revokes the family.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash     TEXT PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  family_id      TEXT NOT NULL,
  auth_server_id TEXT NOT NULL,
  client_id      TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  grant_json     TEXT NOT NULL,
  created        INTEGER NOT NULL,
  expires_at     INTEGER,
  idle_expires_at INTEGER NOT NULL,
  rotated_at     INTEGER,
  revoked        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS refresh_tokens_by_family ON refresh_tokens (family_id);

-- Consent a person gave a client for a scope of a server (Okta's user grants, /api/v1/users/{id}/grants).
-- Invariants: one row per (user, client, server, scope); deleting rows revokes the consent.
CREATE TABLE IF NOT EXISTS consents (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id      TEXT NOT NULL,
  auth_server_id TEXT NOT NULL,
  scope          TEXT NOT NULL,
  created        TEXT NOT NULL,
  UNIQUE (user_id, client_id, auth_server_id, scope)
);

-- The built-in Everyone group.
INSERT OR IGNORE INTO groups (id, type, name, profile, created, last_updated, last_membership_updated)
VALUES ('00geveryone000000000', 'BUILT_IN', 'Everyone',
        '{"name":"Everyone","description":"All users in your organization"}',
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Refresh-token families revoked as a whole (reuse of a rotated token, replay of the code that began them).
-- Invariants: a family listed here never yields another token, whatever the state of its rows.
CREATE TABLE IF NOT EXISTS revoked_families (
  family_id  TEXT PRIMARY KEY,
  revoked_at INTEGER NOT NULL
);

-- Custom claims of a custom authorization server (Okta OAuth2Claim).
-- Invariants: name unique per (server, claimType); value is an expression that parsed when it was saved
-- (valueType EXPRESSION) or a group filter (valueType GROUPS); conditions is the Okta JSON object.
CREATE TABLE IF NOT EXISTS claims (
  id                     TEXT PRIMARY KEY,
  auth_server_id         TEXT NOT NULL REFERENCES authorization_servers(id) ON DELETE CASCADE,
  name                   TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  claim_type             TEXT NOT NULL CHECK (claim_type IN ('RESOURCE', 'IDENTITY')),
  value_type             TEXT NOT NULL CHECK (value_type IN ('EXPRESSION', 'GROUPS', 'SYSTEM')),
  value                  TEXT NOT NULL,
  group_filter_type      TEXT CHECK (group_filter_type IN ('STARTS_WITH', 'EQUALS', 'CONTAINS', 'REGEX')),
  always_include_in_token INTEGER NOT NULL DEFAULT 0,
  conditions             TEXT NOT NULL,
  system                 INTEGER NOT NULL DEFAULT 0,
  created                TEXT NOT NULL,
  last_updated           TEXT NOT NULL,
  UNIQUE (auth_server_id, claim_type, name)
);

-- Admin API scopes granted to an app for the org authorization server (Okta /api/v1/apps/{id}/grants).
-- Invariants: one row per (app, scope); only okta.* scopes; deleted with the app.
CREATE TABLE IF NOT EXISTS app_grants (
  id           TEXT PRIMARY KEY,
  app_id       TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  scope_id     TEXT NOT NULL,
  issuer       TEXT NOT NULL,
  created      TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  UNIQUE (app_id, scope_id)
);

-- Admin roles of people (Okta /api/v1/users/{id}/roles). Invariants: one row per (user, type).
CREATE TABLE IF NOT EXISTS user_roles (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type         TEXT NOT NULL,
  created      TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  UNIQUE (user_id, type)
);
