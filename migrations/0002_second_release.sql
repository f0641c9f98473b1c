-- Migration 0002: from the first release to the second wave (retention indexes, token lifecycle, PAR, DPoP,
-- lockout and the password policy, email verification, the System Log and hooks, device authorization, trusted
-- servers). Only new tables, indexes and seed rows: no existing table changes shape. IF NOT EXISTS / OR IGNORE so
-- that a database created from this release's schema.sql (before migrations existed) adopts them too.

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
-- them; a sign-in attempt increments failures BEFORE the password is checked (one conditional write, so parallel
-- guesses cannot all slip under maxAttempts) and a success deletes the row; locked_at (epoch ms) is set when the
-- attempt that reached maxAttempts locked the user, for autoUnlockMinutes.
CREATE TABLE IF NOT EXISTS sign_in_failures (
  user_id   TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  failures  INTEGER NOT NULL,
  locked_at INTEGER
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
-- `eventType eq`); body is the JSON array of the events sorted by (published, uuid), compressed "deflate-raw".
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
