-- Mintgate's D1 schema, consolidated: what the numbered files in migrations/ build when applied in order (`npm
-- start` and deploys run `wrangler d1 migrations apply`; test/migrations/ checks the two agree). The tests and the
-- bench create their databases from this file. A schema change edits this file AND adds a migration. Every
-- statement is idempotent so that applying it again to a live database changes nothing.
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
-- Invariants: scoped by auth_server_id; expires_at is the token's exp; the retention job deletes rows past it.
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti            TEXT PRIMARY KEY,
  auth_server_id TEXT NOT NULL,
  expires_at     INTEGER NOT NULL
);

-- jti values of client assertions already used (RFC 7523 3: a jti may be used once).
-- Invariants: (client_id, jti) unique; a row past expires_at no longer counts and the retention job deletes it.
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

-- SSO sessions. Invariants: only the SHA-256 of the cookie value is stored; a session past expires_at is dead and
-- the retention job deletes it.
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
-- replay can revoke what it produced (RFC 6749 10.5), and the retention job deletes it one day (the longest access
-- token lifetime) after expires_at.
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
-- grant; exactly one unrotated token per live family; presenting a rotated token revokes the family. A row is past
-- its lifetime when expires_at (NULL: none) or idle_expires_at has passed; the retention job deletes a family's rows
-- once all of them are, never earlier, so that reuse of a rotated token is recognised while the family lives.
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
-- Invariants: a family listed here never yields another token, whatever the state of its rows. The retention job
-- deletes a marker once its family has no rows left and revoked_at is more than one day old.
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

-- What the retention job (src/store/retention.ts) looks rows up by, so that each of its bounded batches reads only
-- rows it deletes instead of scanning the table.
CREATE INDEX IF NOT EXISTS authorization_codes_by_expiry ON authorization_codes (expires_at);
CREATE INDEX IF NOT EXISTS refresh_tokens_by_idle_expiry ON refresh_tokens (idle_expires_at);
CREATE INDEX IF NOT EXISTS refresh_tokens_by_expiry ON refresh_tokens (expires_at);
CREATE INDEX IF NOT EXISTS revoked_families_by_time ON revoked_families (revoked_at);
CREATE INDEX IF NOT EXISTS revoked_tokens_by_expiry ON revoked_tokens (expires_at);
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS used_assertions_by_expiry ON used_assertions (expires_at);

-- Access tokens issued together with a refresh token, by family (Okta: revoking a refresh token also revokes the
-- access tokens minted with it). Invariants: one row per access token jti; a family revoked as a whole copies its
-- rows into revoked_tokens in the same batch; the retention job deletes rows past expires_at (the token's exp).
CREATE TABLE IF NOT EXISTS family_access_tokens (
  jti            TEXT PRIMARY KEY,
  family_id      TEXT NOT NULL,
  auth_server_id TEXT NOT NULL,
  expires_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS family_access_tokens_by_family ON family_access_tokens (family_id);
CREATE INDEX IF NOT EXISTS family_access_tokens_by_expiry ON family_access_tokens (expires_at);

-- client_ids of deleted apps, kept until every token the app issued has expired (the longest access token
-- lifetime), so that a new app cannot take the client_id and revive them. Invariants: a row past `until` no longer
-- counts and the retention job deletes it.
CREATE TABLE IF NOT EXISTS retired_client_ids (
  client_id TEXT PRIMARY KEY,
  until     INTEGER NOT NULL
);
-- Pushed authorization requests (RFC 9126). Invariants: only the SHA-256 of the request_uri is stored; a row is
-- bound to its server and client; it is used at most once (taken by one DELETE ... RETURNING at /authorize) and
-- only before expires_at (epoch seconds); params_json is the validated authorize parameters, request objects
-- already unpacked. The retention job deletes rows past expires_at.
CREATE TABLE IF NOT EXISTS pushed_requests (
  uri_hash       TEXT PRIMARY KEY,
  auth_server_id TEXT NOT NULL,
  client_id      TEXT NOT NULL,
  params_json    TEXT NOT NULL,
  expires_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pushed_requests_by_expiry ON pushed_requests (expires_at);

-- jti values of DPoP proofs already used (RFC 9449 11.1), per proof key (jkt). Invariants: (jkt, jti) unique; a row
-- past expires_at (the end of the proof's iat window) no longer counts and the retention job deletes it.
CREATE TABLE IF NOT EXISTS used_dpop_proofs (
  jkt        TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (jkt, jti)
);
CREATE INDEX IF NOT EXISTS used_dpop_proofs_by_expiry ON used_dpop_proofs (expires_at);
-- Org-wide policies outside authorization servers (Okta /api/v1/policies). Mintgate serves the default PASSWORD
-- policy. Invariants: the default policy (system = 1) always exists and cannot be deleted; settings is the Okta
-- PasswordPolicySettings object as last written (zod-checked on write and on read); conditions is Okta's object.
CREATE TABLE IF NOT EXISTS org_policies (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL CHECK (type IN ('PASSWORD')),
  name         TEXT NOT NULL,
  description  TEXT,
  priority     INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  system       INTEGER NOT NULL DEFAULT 0,
  conditions   TEXT NOT NULL,
  settings     TEXT NOT NULL,
  created      TEXT NOT NULL,
  last_updated TEXT NOT NULL
);

-- Okta's default password policy, with the values of Okta's shipped default (README, Security).
INSERT OR IGNORE INTO org_policies (id, type, name, description, priority, status, system, conditions, settings, created, last_updated)
VALUES ('00pdefaultpassword01', 'PASSWORD', 'Default Policy', 'The default policy applies in all situations if no other policy applies.', 1, 'ACTIVE', 1,
  '{"people":{"groups":{"include":["00geveryone000000000"]}},"authProvider":{"provider":"OKTA"}}',
  '{"password":{"complexity":{"minLength":8,"minLowerCase":1,"minUpperCase":1,"minNumber":1,"minSymbol":0,"excludeUsername":true,"excludeAttributes":[],"dictionary":{"common":{"exclude":false}}},"age":{"maxAgeDays":0,"expireWarnDays":0,"minAgeMinutes":0,"historyCount":0},"lockout":{"maxAttempts":10,"autoUnlockMinutes":0,"showLockoutFailures":false,"userLockoutNotificationChannels":[]}},"recovery":{"factors":{"recovery_question":{"status":"ACTIVE","properties":{"complexity":{"minLength":4}}},"okta_email":{"status":"ACTIVE","properties":{"recoveryToken":{"tokenLifetimeMinutes":10080}}},"okta_sms":{"status":"INACTIVE"},"okta_call":{"status":"INACTIVE"}}},"delegation":{"options":{"skipUnlock":false}}}',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Consecutive failed sign-ins per person (Okta password policy lockout). Invariants: one row per user, deleted with
-- them; an attempt is decided and counted in one transaction (a refused one increments failures, a success deletes
-- the row), and only while failures < maxAttempts can one succeed, so parallel guesses cannot all slip under it;
-- locked_at (epoch ms) is set when the attempt that reached maxAttempts locked the user, for autoUnlockMinutes.
CREATE TABLE IF NOT EXISTS sign_in_failures (
  user_id   TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  failures  INTEGER NOT NULL,
  locked_at INTEGER
);

-- The verdict of one sign-in attempt, inside that attempt's transaction only (src/store/lockout.ts attemptSignIn):
-- the success statements of the batch (the session, the index row, the counter's reset) run only when the row exists.
-- Invariants: the batch that inserts a row deletes it again, so the table is empty outside a transaction.
CREATE TABLE IF NOT EXISTS sign_in_verdicts (
  attempt_id TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL
);

-- Whether a person's primary email is verified (Okta credentials.emails[type=PRIMARY].status; OIDC email_verified).
-- Invariants: one row per user, deleted with them; the status applies only while email_lower is still the user's
-- email (a changed email is UNVERIFIED again); no row means UNVERIFIED.
CREATE TABLE IF NOT EXISTS user_emails (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  email_lower TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('VERIFIED', 'UNVERIFIED'))
);
-- The System Log (src/log/, README "System Log"): Okta's LogEvent objects, stored in chunks: one row per queue message
-- (the events of one coalesced message), written only by the queue consumer (src/log/consumer.ts), read by
-- GET /api/v1/logs (src/log/read.ts), purged whole by the retention job once last_published is older than
-- LOG_RETENTION_DAYS. Invariants: message_id is unique, so a redelivered message inserts nothing (INSERT OR IGNORE;
-- a message spanning more than a minute is split into parts "<id>", "<id>/1", ..., written in one batch);
-- seq is the persistence order (AUTOINCREMENT: never reused after a purge, so a polling cursor never goes back);
-- first_published and last_published are the chunk's earliest and latest event times in epoch milliseconds, at
-- most 60 s apart (store/log-chunks.ts MAX_CHUNK_SPAN_MS), so a time range is one index range; event_count >= 1;
-- event_types is the chunk's distinct eventTypes as "|a|b|" (instr(event_types, '|a|') skips chunks for
-- `eventType eq`); body is JSON compressed "deflate-raw", as base64url TEXT (a BLOB of the bytes in rows written
-- before): the queue's wire entries with the parts they share (log/wire.ts, read in (published, uuid) order), or,
-- in older chunks, an array of whole LogEvents in that order.
CREATE TABLE IF NOT EXISTS log_chunks (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id      TEXT NOT NULL UNIQUE,
  first_published INTEGER NOT NULL,
  last_published  INTEGER NOT NULL,
  event_count     INTEGER NOT NULL,
  event_types     TEXT NOT NULL,
  body            BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS log_chunks_by_first ON log_chunks (first_published);
CREATE INDEX IF NOT EXISTS log_chunks_by_last ON log_chunks (last_published);

-- Okta event hooks (/api/v1/eventHooks). Invariants: status ACTIVE|INACTIVE and verification_status
-- UNVERIFIED|VERIFIED; only an INACTIVE hook is deleted; a changed channel is UNVERIFIED again; events is Okta's
-- {type, items} JSON; channel is Okta's channel JSON without the auth header's value, which is auth_value, sealed
-- with KEY_ENCRYPTION_SECRET (purpose "hook-auth", the hook id as associated data) and never returned.
CREATE TABLE IF NOT EXISTS event_hooks (
  id                  TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  description         TEXT,
  status              TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  verification_status TEXT NOT NULL CHECK (verification_status IN ('UNVERIFIED', 'VERIFIED')),
  events              TEXT NOT NULL,
  channel             TEXT NOT NULL,
  auth_value          TEXT,
  created_by          TEXT NOT NULL,
  created             TEXT NOT NULL,
  last_updated        TEXT NOT NULL
);

-- Okta inline hooks (/api/v1/inlineHooks); Mintgate runs com.okta.oauth2.tokens.transform, referenced from a policy
-- rule's actions.token.inlineHook.id. Invariants as event_hooks: status ACTIVE|INACTIVE, only INACTIVE deleted,
-- channel JSON without the secret, auth_value sealed (purpose "hook-auth", the hook id as associated data).
CREATE TABLE IF NOT EXISTS inline_hooks (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  type         TEXT NOT NULL,
  version      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  channel      TEXT NOT NULL,
  auth_value   TEXT,
  created      TEXT NOT NULL,
  last_updated TEXT NOT NULL
);

-- Device authorizations (RFC 8628). Invariants: only SHA-256 digests of the device code and the user code are
-- stored; user_code_hash is unique among all rows; status moves PENDING -> APPROVED | DENIED, and APPROVED ->
-- REDEEMED by one conditional UPDATE that also names the redeeming request (redeemed_by), so a device code yields
-- tokens at most once; poll_interval only grows (slow_down adds 5 s, RFC 8628 3.5). grant_json (what the person
-- approved, a UserGrant) and user_id are set on approval. The retention job may delete rows a day past expires_at.
CREATE TABLE IF NOT EXISTS device_authorizations (
  device_code_hash TEXT PRIMARY KEY,
  user_code_hash   TEXT NOT NULL UNIQUE,
  auth_server_id   TEXT NOT NULL,
  client_id        TEXT NOT NULL,
  scopes           TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'DENIED', 'REDEEMED')),
  user_id          TEXT,
  grant_json       TEXT,
  poll_interval    INTEGER NOT NULL,
  last_polled_ms   INTEGER,
  slowed           INTEGER NOT NULL DEFAULT 0,
  redeemed_by      TEXT,
  created          INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS device_authorizations_by_client ON device_authorizations (client_id, created);

-- Wrong user codes entered on the activation page, per client address and window (RFC 8628 5.1: rate-limit
-- guessing). Invariants: one row per address; count restarts when window_start is older than the window.
CREATE TABLE IF NOT EXISTS user_code_attempts (
  address      TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL
);

-- Trusted ("associated") authorization servers (Okta /associatedServers): auth_server_id accepts subject tokens
-- issued by trusted_server_id in a token exchange. Invariants: one row per pair, never a server and itself; both
-- are custom servers and the row goes with either.
CREATE TABLE IF NOT EXISTS trusted_servers (
  auth_server_id    TEXT NOT NULL REFERENCES authorization_servers(id) ON DELETE CASCADE,
  trusted_server_id TEXT NOT NULL REFERENCES authorization_servers(id) ON DELETE CASCADE,
  created           TEXT NOT NULL,
  PRIMARY KEY (auth_server_id, trusted_server_id),
  CHECK (auth_server_id <> trusted_server_id)
);

-- The SessionStore Durable Objects holding person-facing token state (issue 17; src/sessions/): authorization codes,
-- refresh-token families and the access tokens those issued live in the objects, never here. This index only names
-- which object holds tokens of which person for which client of which server, so that the admin API can list and
-- revoke "all tokens of a person / of a client" by fanning out to the objects. Invariants: one row per
-- (do_id, user_id, client_id, auth_server_id); never read by a refresh or a code redemption; a row past expires_at
-- (NULL: no limit) names nothing alive and the retention job deletes it.
CREATE TABLE IF NOT EXISTS token_holders (
  do_id          TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  client_id      TEXT NOT NULL,
  auth_server_id TEXT NOT NULL,
  created        INTEGER NOT NULL,
  expires_at     INTEGER,
  UNIQUE (do_id, user_id, client_id, auth_server_id)
);
CREATE INDEX IF NOT EXISTS token_holders_by_user ON token_holders (user_id, client_id);
CREATE INDEX IF NOT EXISTS token_holders_by_client ON token_holders (client_id, auth_server_id);
CREATE INDEX IF NOT EXISTS token_holders_by_server ON token_holders (auth_server_id, client_id);
CREATE INDEX IF NOT EXISTS token_holders_by_expiry ON token_holders (expires_at);
