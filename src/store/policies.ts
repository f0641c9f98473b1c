/**
 * SQL for access policies and their rules (Okta AuthorizationServerPolicy / AuthorizationServerPolicyRule).
 * conditions and actions are stored as Okta's JSON objects and mapped to domain types here and nowhere else.
 * Priorities stay 1..n without gaps per server (policies) and per policy (rules): every write that adds, moves
 * or removes one ends, in the same batch, with a renumbering statement.
 */
import { z } from "zod";
import type { PeopleCondition, PolicyConfig, RuleConfig, Status } from "../policy/types";
import { at, parseStored } from "./stored-json";

export interface PolicyRecord {
  id: string;
  authServerId: string;
  name: string;
  description: string | null;
  priority: number;
  status: Status;
  system: boolean;
  /** Client ids, or "ALL_CLIENTS". */
  clients: string[];
  created: string;
  lastUpdated: string;
}

export interface RuleToken {
  accessTokenLifetimeMinutes: number;
  refreshTokenLifetimeMinutes: number;
  refreshTokenWindowMinutes: number;
  inlineHook?: { id: string };
}

export interface RuleRecord {
  id: string;
  authServerId: string;
  policyId: string;
  name: string;
  priority: number;
  status: Status;
  system: boolean;
  people: PeopleCondition;
  grantTypes: string[];
  scopes: string[];
  token: RuleToken;
  created: string;
  lastUpdated: string;
}

/** What an admin write sets; priority null means "last" on insert and "unchanged" on replace. */
export type PolicyWrite = Pick<PolicyRecord, "name" | "description" | "status" | "clients"> & { priority: number | null };
export type RuleWrite = Pick<RuleRecord, "name" | "status" | "people" | "grantTypes" | "scopes" | "token"> & { priority: number | null };

interface PolicyRow {
  id: string;
  auth_server_id: string;
  name: string;
  description: string | null;
  priority: number;
  status: Status;
  system: number;
  conditions: string;
  created: string;
  last_updated: string;
}

interface RuleRow extends Omit<PolicyRow, "description"> {
  policy_id: string;
  actions: string;
}

const POLICY_COLUMNS = "id, auth_server_id, name, description, priority, status, system, conditions, created, last_updated";
const RULE_COLUMNS = "id, auth_server_id, policy_id, name, priority, status, system, conditions, actions, created, last_updated";

// The shapes policyConditions, ruleConditions and ruleActions write (schema.sql seeds the same for `default`).
// Loose, so Okta fields Mintgate does not model survive a read; a missing piece is a fault, not "allow all".
const Include = z.looseObject({ include: z.array(z.string()) });
const IncludeExclude = z.looseObject({ include: z.array(z.string()), exclude: z.array(z.string()) });
const PolicyConditionsSchema = z.looseObject({ clients: Include });
const RuleConditionsSchema = z.looseObject({
  people: z.looseObject({ users: IncludeExclude, groups: IncludeExclude }),
  grantTypes: Include,
  scopes: Include,
});
const minutes = z.number().int().nonnegative();
const RuleActionsSchema = z.looseObject({
  token: z.looseObject({
    accessTokenLifetimeMinutes: minutes,
    refreshTokenLifetimeMinutes: minutes,
    refreshTokenWindowMinutes: minutes,
    inlineHook: z.object({ id: z.string() }).optional(),
  }),
});

const toPolicy = (r: PolicyRow): PolicyRecord => ({
  id: r.id,
  authServerId: r.auth_server_id,
  name: r.name,
  description: r.description,
  priority: r.priority,
  status: r.status,
  system: r.system === 1,
  clients: parseStored(PolicyConditionsSchema, r.conditions, at("policies.conditions", r.id)).clients.include,
  created: r.created,
  lastUpdated: r.last_updated,
});

function toRule(r: RuleRow): RuleRecord {
  const c = parseStored(RuleConditionsSchema, r.conditions, at("policy_rules.conditions", r.id));
  const { accessTokenLifetimeMinutes, refreshTokenLifetimeMinutes, refreshTokenWindowMinutes, inlineHook } = parseStored(
    RuleActionsSchema,
    r.actions,
    at("policy_rules.actions", r.id),
  ).token;
  return {
    id: r.id,
    authServerId: r.auth_server_id,
    policyId: r.policy_id,
    name: r.name,
    priority: r.priority,
    status: r.status,
    system: r.system === 1,
    people: {
      users: { include: c.people.users.include, exclude: c.people.users.exclude },
      groups: { include: c.people.groups.include, exclude: c.people.groups.exclude },
    },
    grantTypes: c.grantTypes.include,
    scopes: c.scopes.include,
    token: { accessTokenLifetimeMinutes, refreshTokenLifetimeMinutes, refreshTokenWindowMinutes, ...(inlineHook ? { inlineHook } : {}) },
    created: r.created,
    lastUpdated: r.last_updated,
  };
}

const policyConditions = (p: PolicyWrite) => JSON.stringify({ clients: { include: p.clients } });
const ruleConditions = (r: RuleWrite) =>
  JSON.stringify({ people: r.people, grantTypes: { include: r.grantTypes }, scopes: { include: r.scopes } });
const ruleActions = (r: RuleWrite) => JSON.stringify({ token: r.token });

// Stands for "after every other" when no priority is given; renumbering turns it into n.
const LAST = 2147483647;

/**
 * Renumbers the policies of a server (policyId null) or the rules of a policy to 1..n in priority order.
 * The row just written wins a tie (bias -1: it was inserted or moved up to that priority, the others shift down)
 * or loses it (bias 1: it moved down, the others shift up), which gives Okta's insert-and-shift semantics.
 */
function renumber(db: D1Database, serverId: string, policyId: string | null, movedId: string | null, bias: -1 | 1): D1PreparedStatement {
  const [table, scope] = policyId === null ? ["policies", "auth_server_id = ?1"] : ["policy_rules", "auth_server_id = ?1 AND policy_id = ?4"];
  return db
    .prepare(
      `UPDATE ${table} SET priority = ranked.rn
       FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY priority, CASE WHEN id = ?2 THEN ?3 ELSE 0 END, created, id) AS rn
             FROM ${table} WHERE ${scope}) AS ranked
       WHERE ${table}.id = ranked.id AND ${table}.auth_server_id = ?1 AND ${table}.priority <> ranked.rn`,
    )
    .bind(serverId, movedId, bias, ...(policyId === null ? [] : [policyId]));
}

export async function listPolicies(db: D1Database, serverId: string): Promise<PolicyRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${POLICY_COLUMNS} FROM policies WHERE auth_server_id = ?1 ORDER BY priority`)
    .bind(serverId)
    .all<PolicyRow>();
  return results.map(toPolicy);
}

const selectPolicy = (db: D1Database, serverId: string, id: string) =>
  db.prepare(`SELECT ${POLICY_COLUMNS} FROM policies WHERE auth_server_id = ?1 AND id = ?2`).bind(serverId, id);

export async function getPolicy(db: D1Database, serverId: string, id: string): Promise<PolicyRecord | null> {
  const row = await selectPolicy(db, serverId, id).first<PolicyRow>();
  return row ? toPolicy(row) : null;
}

/** Inserts a policy at its priority (or last), shifting the others down, in one batch. */
export async function insertPolicy(db: D1Database, serverId: string, id: string, p: PolicyWrite, now: string): Promise<PolicyRecord> {
  const results = await db.batch<PolicyRow>([
    db
      .prepare(`INSERT INTO policies (${POLICY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?8)`)
      .bind(id, serverId, p.name, p.description, p.priority ?? LAST, p.status, policyConditions(p), now),
    renumber(db, serverId, null, id, -1),
    selectPolicy(db, serverId, id),
  ]);
  return toPolicy(results.at(-1)!.results[0]!);
}

/** Replaces a policy; a new priority moves it there and shifts the others, in one batch. Null when it is gone. */
export async function replacePolicy(
  db: D1Database,
  serverId: string,
  existing: PolicyRecord,
  p: PolicyWrite,
  now: string,
): Promise<PolicyRecord | null> {
  const results = await db.batch<PolicyRow>([
    db
      .prepare(
        `UPDATE policies SET name = ?3, description = ?4, priority = COALESCE(?5, priority), status = ?6, conditions = ?7, last_updated = ?8
         WHERE auth_server_id = ?1 AND id = ?2`,
      )
      .bind(serverId, existing.id, p.name, p.description, p.priority, p.status, policyConditions(p), now),
    renumber(db, serverId, null, existing.id, p.priority !== null && p.priority > existing.priority ? 1 : -1),
    selectPolicy(db, serverId, existing.id),
  ]);
  const row = results.at(-1)!.results[0];
  return row ? toPolicy(row) : null;
}

/** Deletes a non-system policy with its rules and closes the priority gap, in one batch. */
export async function deletePolicy(db: D1Database, serverId: string, id: string): Promise<boolean> {
  const results = await db.batch([
    db.prepare(`DELETE FROM policy_rules WHERE auth_server_id = ?1 AND policy_id = ?2 AND EXISTS
                (SELECT 1 FROM policies WHERE auth_server_id = ?1 AND id = ?2 AND system = 0)`).bind(serverId, id),
    db.prepare(`DELETE FROM policies WHERE auth_server_id = ?1 AND id = ?2 AND system = 0`).bind(serverId, id),
    renumber(db, serverId, null, null, -1),
  ]);
  return (results[1]?.meta.changes ?? 0) > 0;
}

/** Sets a policy's status (or a rule's, given its policy); lastUpdated moves only on a change. False when absent. */
export async function setStatus(
  db: D1Database,
  serverId: string,
  target: { policyId: string; ruleId?: string },
  status: Status,
  now: string,
): Promise<boolean> {
  const stmt = target.ruleId
    ? db
        .prepare(
          `UPDATE policy_rules SET status = ?4, last_updated = CASE WHEN status = ?4 THEN last_updated ELSE ?5 END
           WHERE auth_server_id = ?1 AND policy_id = ?2 AND id = ?3`,
        )
        .bind(serverId, target.policyId, target.ruleId, status, now)
    : db
        .prepare(
          `UPDATE policies SET status = ?3, last_updated = CASE WHEN status = ?3 THEN last_updated ELSE ?4 END
           WHERE auth_server_id = ?1 AND id = ?2`,
        )
        .bind(serverId, target.policyId, status, now);
  return (await stmt.run()).meta.changes > 0;
}

export async function listRules(db: D1Database, serverId: string, policyId: string): Promise<RuleRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${RULE_COLUMNS} FROM policy_rules WHERE auth_server_id = ?1 AND policy_id = ?2 ORDER BY priority`)
    .bind(serverId, policyId)
    .all<RuleRow>();
  return results.map(toRule);
}

const selectRule = (db: D1Database, serverId: string, policyId: string, id: string) =>
  db.prepare(`SELECT ${RULE_COLUMNS} FROM policy_rules WHERE auth_server_id = ?1 AND policy_id = ?2 AND id = ?3`).bind(serverId, policyId, id);

export async function getRule(db: D1Database, serverId: string, policyId: string, id: string): Promise<RuleRecord | null> {
  const row = await selectRule(db, serverId, policyId, id).first<RuleRow>();
  return row ? toRule(row) : null;
}

/** Inserts a rule at its priority (or last) within its policy, shifting the others down. Null when the policy is gone. */
export async function insertRule(
  db: D1Database,
  serverId: string,
  policyId: string,
  id: string,
  r: RuleWrite,
  now: string,
): Promise<RuleRecord | null> {
  const results = await db.batch<RuleRow>([
    // INSERT ... SELECT: nothing is written unless the policy belongs to this server.
    db
      .prepare(
        `INSERT INTO policy_rules (${RULE_COLUMNS})
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, ?9 FROM policies WHERE auth_server_id = ?2 AND id = ?3`,
      )
      .bind(id, serverId, policyId, r.name, r.priority ?? LAST, r.status, ruleConditions(r), ruleActions(r), now),
    renumber(db, serverId, policyId, id, -1),
    selectRule(db, serverId, policyId, id),
  ]);
  const row = results.at(-1)!.results[0];
  return row ? toRule(row) : null;
}

/** Replaces a rule; a new priority moves it within its policy, in one batch. Null when it is gone. */
export async function replaceRule(db: D1Database, existing: RuleRecord, r: RuleWrite, now: string): Promise<RuleRecord | null> {
  const { authServerId: serverId, policyId, id } = existing;
  const results = await db.batch<RuleRow>([
    db
      .prepare(
        `UPDATE policy_rules SET name = ?4, priority = COALESCE(?5, priority), status = ?6, conditions = ?7, actions = ?8, last_updated = ?9
         WHERE auth_server_id = ?1 AND policy_id = ?2 AND id = ?3`,
      )
      .bind(serverId, policyId, id, r.name, r.priority, r.status, ruleConditions(r), ruleActions(r), now),
    renumber(db, serverId, policyId, id, r.priority !== null && r.priority > existing.priority ? 1 : -1),
    selectRule(db, serverId, policyId, id),
  ]);
  const row = results.at(-1)!.results[0];
  return row ? toRule(row) : null;
}

/** Deletes a non-system rule and closes the priority gap in its policy, in one batch. */
export async function deleteRule(db: D1Database, serverId: string, policyId: string, id: string): Promise<boolean> {
  const results = await db.batch([
    db.prepare(`DELETE FROM policy_rules WHERE auth_server_id = ?1 AND policy_id = ?2 AND id = ?3 AND system = 0`).bind(serverId, policyId, id),
    renumber(db, serverId, policyId, null, -1),
  ]);
  return (results[0]?.meta.changes ?? 0) > 0;
}

/**
 * Every policy of a server (any status) with its rules, in priority order, as the policy engine reads them.
 * Two queries in one batch, so they see the same state.
 */
export async function loadPolicyConfigs(db: D1Database, authServerId: string): Promise<PolicyConfig[]> {
  const [policies, rules] = await db.batch<Record<string, unknown>>([
    db.prepare(`SELECT ${POLICY_COLUMNS} FROM policies WHERE auth_server_id = ?1 ORDER BY priority`).bind(authServerId),
    db.prepare(`SELECT ${RULE_COLUMNS} FROM policy_rules WHERE auth_server_id = ?1 ORDER BY policy_id, priority`).bind(authServerId),
  ]);
  const byPolicy = new Map<string, RuleConfig[]>();
  for (const row of rules!.results as unknown as RuleRow[]) {
    const { id, name, priority, status, people, grantTypes, scopes, token } = toRule(row);
    const { accessTokenLifetimeMinutes, refreshTokenLifetimeMinutes, refreshTokenWindowMinutes, inlineHook } = token;
    const list = byPolicy.get(row.policy_id) ?? [];
    list.push({
      id, name, priority, status, people, grantTypes, scopes,
      token: { accessTokenLifetimeMinutes, refreshTokenLifetimeMinutes, refreshTokenWindowMinutes, ...(inlineHook ? { inlineHookId: inlineHook.id } : {}) },
    });
    byPolicy.set(row.policy_id, list);
  }
  return (policies!.results as unknown as PolicyRow[]).map((row) => {
    const p = toPolicy(row);
    return { id: p.id, name: p.name, priority: p.priority, status: p.status, clients: p.clients, rules: byPolicy.get(p.id) ?? [] };
  });
}
