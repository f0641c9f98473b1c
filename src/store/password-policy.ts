/** SQL for Okta's org-wide PASSWORD policy (table org_policies). */
import { z } from "zod";
import type { PasswordSettings } from "../policy/password";
import { at, parseStored } from "./stored-json";

export const DEFAULT_PASSWORD_POLICY_ID = "00pdefaultpassword01";

const Bit = z.number().int().min(0).max(1);

/** The stored settings object: Okta's PasswordPolicySettings; the fields Mintgate enforces are required. */
export const StoredPasswordSettings = z.looseObject({
  password: z.looseObject({
    complexity: z.looseObject({
      minLength: z.number().int(),
      minLowerCase: Bit,
      minUpperCase: Bit,
      minNumber: Bit,
      minSymbol: Bit,
      excludeUsername: z.boolean(),
    }),
    lockout: z.looseObject({ maxAttempts: z.number().int(), autoUnlockMinutes: z.number().int(), showLockoutFailures: z.boolean() }),
  }),
});
export type StoredPasswordSettings = z.infer<typeof StoredPasswordSettings>;

export interface PasswordPolicyRecord {
  id: string;
  type: "PASSWORD";
  name: string;
  description: string | null;
  priority: number;
  status: "ACTIVE" | "INACTIVE";
  system: boolean;
  conditions: Record<string, unknown>;
  settings: StoredPasswordSettings;
  created: string;
  lastUpdated: string;
}

interface Row {
  id: string;
  type: "PASSWORD";
  name: string;
  description: string | null;
  priority: number;
  status: "ACTIVE" | "INACTIVE";
  system: number;
  conditions: string;
  settings: string;
  created: string;
  last_updated: string;
}

const toRecord = (r: Row): PasswordPolicyRecord => ({
  id: r.id,
  type: r.type,
  name: r.name,
  description: r.description,
  priority: r.priority,
  status: r.status,
  system: r.system === 1,
  conditions: parseStored(z.record(z.string(), z.unknown()), r.conditions, at("org_policies.conditions", r.id)),
  settings: parseStored(StoredPasswordSettings, r.settings, at("org_policies.settings", r.id)),
  created: r.created,
  lastUpdated: r.last_updated,
});

export async function listPasswordPolicies(db: D1Database): Promise<PasswordPolicyRecord[]> {
  const { results } = await db.prepare(`SELECT * FROM org_policies WHERE type = 'PASSWORD' ORDER BY priority, id`).all<Row>();
  return results.map(toRecord);
}

export async function getPasswordPolicy(db: D1Database, id: string): Promise<PasswordPolicyRecord | null> {
  const row = await db.prepare(`SELECT * FROM org_policies WHERE id = ?1 AND type = 'PASSWORD'`).bind(id).first<Row>();
  return row ? toRecord(row) : null;
}

/** Replaces a policy's name, description and settings; null when it does not exist. */
export async function replacePasswordPolicy(
  db: D1Database,
  id: string,
  w: { name: string; description: string | null; settings: StoredPasswordSettings; now: string },
): Promise<PasswordPolicyRecord | null> {
  const row = await db
    .prepare(`UPDATE org_policies SET name = ?2, description = ?3, settings = ?4, last_updated = ?5 WHERE id = ?1 AND type = 'PASSWORD' RETURNING *`)
    .bind(id, w.name, w.description, JSON.stringify(w.settings), w.now)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** The settings in force: the default policy's (Mintgate has one password policy, for everyone). */
export async function passwordSettings(db: D1Database): Promise<PasswordSettings> {
  const policy = await getPasswordPolicy(db, DEFAULT_PASSWORD_POLICY_ID);
  if (!policy) throw new Error("the default password policy is missing: apply schema.sql");
  const { complexity, lockout } = policy.settings.password;
  return {
    complexity: {
      minLength: complexity.minLength,
      minLowerCase: complexity.minLowerCase,
      minUpperCase: complexity.minUpperCase,
      minNumber: complexity.minNumber,
      minSymbol: complexity.minSymbol,
      excludeUsername: complexity.excludeUsername,
    },
    lockout: { maxAttempts: lockout.maxAttempts, autoUnlockMinutes: lockout.autoUnlockMinutes, showLockoutFailures: lockout.showLockoutFailures },
  };
}
