-- Migration 0003: a sign-in decides and records its outcome in one D1 transaction (issue 17: one far round trip per
-- sign-in). Only a new table: no existing table changes shape.

-- The verdict of one sign-in attempt, inside that attempt's transaction only (src/store/lockout.ts attemptSignIn):
-- the success statements of the batch (the session, the index row, the counter's reset) run only when the row exists.
-- Invariants: the batch that inserts a row deletes it again, so the table is empty outside a transaction.
CREATE TABLE IF NOT EXISTS sign_in_verdicts (
  attempt_id TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL
);
