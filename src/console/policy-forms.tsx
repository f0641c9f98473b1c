import type { OktaError } from "./api";
import { Checkboxes, Csrf, FormError, TextArea, TextField } from "./form";

export const POLICY_FIELDS = ["name", "description", "priority", "status", "conditions"];
export const RULE_FIELDS = ["name", "priority", "status", "conditions", "actions", "type"];
export const RULE_GRANTS = [
  "authorization_code",
  "client_credentials",
  "implicit",
  "password",
  "refresh_token",
  "urn:ietf:params:oauth:grant-type:device_code",
  "urn:ietf:params:oauth:grant-type:token-exchange",
] as const;

const words = (s: string | null) => (s ?? "").split(/[\s,]+/).filter(Boolean);

export function policyBody(f: URLSearchParams, priority?: number, status?: string) {
  return {
    type: "OAUTH_AUTHORIZATION_POLICY",
    name: f.get("name") ?? "",
    description: f.get("description") ?? "",
    ...(priority ? { priority } : {}),
    ...(status ? { status } : {}),
    conditions: { clients: { include: words(f.get("clients")) } },
  };
}

export const fromPolicy = (p: any) => ({ name: p.name, description: p.description ?? "", clients: p.conditions.clients.include.join(" ") });

const minutes = (v: string | null) => (v === null || v.trim() === "" ? undefined : Number(v));

export function ruleBody(f: URLSearchParams, priority?: number, status?: string) {
  return {
    type: "RESOURCE_ACCESS",
    name: f.get("name") ?? "",
    ...(priority ? { priority } : {}),
    ...(status ? { status } : {}),
    conditions: {
      people: { users: { include: words(f.get("users")) }, groups: { include: words(f.get("groups")) } },
      grantTypes: { include: f.getAll("grantTypes") },
      scopes: { include: words(f.get("scopes")) },
    },
    actions: {
      token: {
        accessTokenLifetimeMinutes: minutes(f.get("accessTokenLifetimeMinutes")),
        refreshTokenLifetimeMinutes: minutes(f.get("refreshTokenLifetimeMinutes")),
        refreshTokenWindowMinutes: minutes(f.get("refreshTokenWindowMinutes")),
      },
    },
  };
}

export function fromRule(r: any): Record<string, string> & { grantTypes: string[] } {
  return {
    name: r.name,
    users: r.conditions.people.users.include.join(" "),
    groups: r.conditions.people.groups.include.join(" "),
    scopes: r.conditions.scopes.include.join(" "),
    grantTypes: r.conditions.grantTypes.include,
    accessTokenLifetimeMinutes: String(r.actions.token.accessTokenLifetimeMinutes),
    refreshTokenLifetimeMinutes: String(r.actions.token.refreshTokenLifetimeMinutes),
    refreshTokenWindowMinutes: String(r.actions.token.refreshTokenWindowMinutes),
  } as never;
}

export function formRule(f: URLSearchParams) {
  return { ...Object.fromEntries(f), grantTypes: f.getAll("grantTypes") } as Record<string, string> & { grantTypes: string[] };
}

export function PolicyForm(p: { action: string; csrf: string; values: Record<string, string>; error?: OktaError; submit: string }) {
  const v = p.values;
  return (
    <form method="post" action={p.action} novalidate>
      <FormError error={p.error} fields={POLICY_FIELDS} />
      <Csrf token={p.csrf} />
      <TextField id="policy-name" name="name" label="Name" value={v.name} api={["name"]} error={p.error} required />
      <TextField id="policy-description" name="description" label="Description" value={v.description} api={["description"]} error={p.error} required />
      <TextField
        id="policy-clients"
        name="clients"
        label="Assign to clients"
        value={v.clients ?? "ALL_CLIENTS"}
        api={["conditions"]}
        error={p.error}
        hint="ALL_CLIENTS, or client ids separated by spaces."
      />
      <button type="submit">{p.submit}</button>
    </form>
  );
}

export function RuleForm(p: { action: string; csrf: string; values: Record<string, string> & { grantTypes?: string[] }; error?: OktaError; submit: string }) {
  const v = p.values;
  return (
    <form method="post" action={p.action} novalidate>
      <FormError error={p.error} fields={RULE_FIELDS} />
      <Csrf token={p.csrf} />
      <TextField id="rule-name" name="name" label="Rule name" value={v.name} api={["name"]} error={p.error} required />
      <Checkboxes
        id="rule-grants"
        name="grantTypes"
        label="Grant types"
        options={RULE_GRANTS}
        checked={v.grantTypes ?? ["authorization_code", "client_credentials"]}
        api={["conditions.grantTypes"]}
        error={p.error}
      />
      <TextField id="rule-groups" name="groups" label="Groups (ids)" value={v.groups ?? "EVERYONE"} api={["conditions.people.groups"]} error={p.error} hint="EVERYONE for any person; group ids separated by spaces." />
      <TextField id="rule-users" name="users" label="People (ids)" value={v.users} api={["conditions.people.users", "conditions.people"]} error={p.error} hint="Optional: user ids separated by spaces." />
      <TextArea id="rule-scopes" name="scopes" label="Scopes" value={v.scopes ?? "*"} api={["conditions.scopes"]} error={p.error} rows={1} hint="* for any scope, or scope names separated by spaces." />
      <TextField id="rule-at" name="accessTokenLifetimeMinutes" type="number" label="Access token lifetime (minutes)" value={v.accessTokenLifetimeMinutes ?? "60"} api={["actions.token.accessTokenLifetimeMinutes"]} error={p.error} />
      <TextField id="rule-rt" name="refreshTokenLifetimeMinutes" type="number" label="Refresh token lifetime (minutes, 0 = unlimited)" value={v.refreshTokenLifetimeMinutes ?? "0"} api={["actions.token.refreshTokenLifetimeMinutes"]} error={p.error} />
      <TextField id="rule-rw" name="refreshTokenWindowMinutes" type="number" label="Refresh token idle window (minutes)" value={v.refreshTokenWindowMinutes ?? "10080"} api={["actions.token.refreshTokenWindowMinutes"]} error={p.error} />
      <button type="submit">{p.submit}</button>
    </form>
  );
}
