import { z } from "zod";
import type { PolicyRecord, RuleRecord } from "../store/policies";
import { GRANT_TYPES } from "./app-schema";
import { link } from "./links";
import { Links } from "./openapi";

/** Messages for a field that is absent or of the wrong type; other issues keep their own message. */
const required = (expected: string) => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code !== "invalid_type" ? undefined : issue.input === undefined ? "The field is required" : `Expected ${expected}`,
});

/** A required constant, such as the object type. */
const constant = <T extends string>(value: T) =>
  z.literal(value, { error: (issue) => (issue.input === undefined ? "The field is required" : `Expected ${value}`) });

const Status = z.enum(["ACTIVE", "INACTIVE"]);
// Okta: 1 is evaluated first; a priority past the end puts the object last.
const Priority = z.number().int("Expected a whole number").min(1, "Priority starts at 1");
const Id = z.string(required("a string")).trim().min(1, "An id cannot be blank").max(255);
const Ids = z.array(Id, required("an array of ids"));

/**
 * Okta's AuthorizationServerPolicy as a request body (create and replace). Read-only fields clients echo back
 * (id, system, created, lastUpdated, _links) are accepted and ignored.
 */
export const PolicyInput = z.object({
  type: constant("OAUTH_AUTHORIZATION_POLICY").optional(),
  name: z.string(required("a string")).trim().min(1, "The field cannot be left blank").max(100),
  // Okta docs: description is required, 1..255 characters.
  description: z.string(required("a string")).trim().min(1, "The field cannot be left blank").max(255),
  priority: Priority.optional(),
  status: Status.optional(),
  conditions: z.object(
    {
      clients: z.object(
        {
          include: Ids.min(1, "Include ALL_CLIENTS or at least one client id")
            // ALL_CLIENTS next to client ids would be ambiguous.
            .refine((ids) => !ids.includes("ALL_CLIENTS") || ids.length === 1, "ALL_CLIENTS cannot be combined with client ids"),
        },
        required("an object"),
      ),
    },
    required("an object"),
  ),
}).meta({ id: "AuthorizationServerPolicyRequest" });

export type PolicyInput = z.infer<typeof PolicyInput>;

const IncludeExclude = z.object({ include: Ids.optional(), exclude: Ids.optional() }, required("an object"));

/**
 * Okta's AuthorizationServerPolicyRuleRequest: name, conditions and type are required. Lifetime bounds are
 * checked after parsing by checkRuleLifetimes (policy/), and scope names against the server's scopes.
 */
export const RuleInput = z.object({
  type: constant("RESOURCE_ACCESS"),
  name: z.string(required("a string")).trim().min(1, "The field cannot be left blank").max(255),
  priority: Priority.optional(),
  status: Status.optional(),
  conditions: z.object(
    {
      people: z.object({ users: IncludeExclude.optional(), groups: IncludeExclude.optional() }, required("an object")).optional(),
      grantTypes: z.object(
        {
          include: z
            .array(z.enum(GRANT_TYPES, { error: (i) => `'${String(i.input)}' is not one of Okta's grant types` }), required("an array"))
            .min(1, "Include at least one grant type"),
        },
        required("an object"),
      ),
      scopes: z.object(
        { include: z.array(z.string().min(1, "A scope cannot be blank"), required("an array")).min(1, "Include '*' or at least one scope") },
        required("an object"),
      ),
    },
    required("an object"),
  ),
  actions: z
    .object(
      {
        token: z
          .object(
            {
              accessTokenLifetimeMinutes: z.number().int("Expected a whole number").optional(),
              refreshTokenLifetimeMinutes: z.number().int("Expected a whole number").optional(),
              refreshTokenWindowMinutes: z.number().int("Expected a whole number").optional(),
              inlineHook: z.object({ id: Id }, required("an object")).nullish(),
            },
            required("an object"),
          )
          .optional(),
      },
      required("an object"),
    )
    .optional(),
}).meta({ id: "AuthorizationServerPolicyRuleRequest" });

export type RuleInput = z.infer<typeof RuleInput>;

/**
 * The rule as stored, with Okta's defaults: people "any user" (groups EVERYONE) when the condition is absent;
 * when people is given, an absent users or groups is empty (both empty is Okta's "no user" condition);
 * token lifetimes 60 minutes, unlimited refresh, 7-day window.
 */
export function ruleFromInput(input: RuleInput) {
  const people = input.conditions.people;
  const token = input.actions?.token;
  return {
    name: input.name,
    people: people
      ? {
          users: { include: people.users?.include ?? [], exclude: people.users?.exclude ?? [] },
          groups: { include: people.groups?.include ?? [], exclude: people.groups?.exclude ?? [] },
        }
      : { users: { include: [], exclude: [] }, groups: { include: ["EVERYONE"], exclude: [] } },
    grantTypes: [...new Set(input.conditions.grantTypes.include)],
    scopes: [...new Set(input.conditions.scopes.include)],
    token: {
      accessTokenLifetimeMinutes: token?.accessTokenLifetimeMinutes ?? 60,
      refreshTokenLifetimeMinutes: token?.refreshTokenLifetimeMinutes ?? 0,
      refreshTokenWindowMinutes: token?.refreshTokenWindowMinutes ?? 10080,
      ...(token?.inlineHook ? { inlineHook: { id: token.inlineHook.id } } : {}),
    },
  };
}

const lifecycleLinks = (self: string, status: PolicyRecord["status"]): Record<string, ReturnType<typeof link>> =>
  status === "ACTIVE" ? { deactivate: link(`${self}/lifecycle/deactivate`, "POST") } : { activate: link(`${self}/lifecycle/activate`, "POST") };

const policiesUrl = (base: string, serverId: string) => `${base}/api/v1/authorizationServers/${serverId}/policies`;

const IncludeExcludeOut = z.object({ include: z.array(z.string()), exclude: z.array(z.string()) });

/** Okta's AuthorizationServerPolicy response object. */
export const AuthorizationServerPolicy = z
  .object({
    type: z.literal("OAUTH_AUTHORIZATION_POLICY"),
    id: z.string(),
    status: Status,
    name: z.string(),
    description: z.string().optional(),
    priority: z.number().int(),
    system: z.boolean(),
    conditions: z.object({ clients: z.object({ include: z.array(z.string()) }) }),
    created: z.string(),
    lastUpdated: z.string(),
    _links: Links,
  })
  .meta({ id: "AuthorizationServerPolicy" });

/** Okta's AuthorizationServerPolicyRule response object. */
export const AuthorizationServerPolicyRule = z
  .object({
    type: z.literal("RESOURCE_ACCESS"),
    id: z.string(),
    status: Status,
    name: z.string(),
    priority: z.number().int(),
    created: z.string(),
    lastUpdated: z.string(),
    system: z.boolean(),
    conditions: z.object({
      people: z.object({ users: IncludeExcludeOut, groups: IncludeExcludeOut }),
      grantTypes: z.object({ include: z.array(z.string()) }),
      scopes: z.object({ include: z.array(z.string()) }),
    }),
    actions: z.object({
      token: z.object({
        accessTokenLifetimeMinutes: z.number().int(),
        refreshTokenLifetimeMinutes: z.number().int(),
        refreshTokenWindowMinutes: z.number().int(),
        inlineHook: z.object({ id: z.string() }).optional(),
      }),
    }),
    _links: Links,
  })
  .meta({ id: "AuthorizationServerPolicyRule" });

/** Okta's AuthorizationServerPolicy response object. */
export function toPolicyResponse(p: PolicyRecord, base: string): z.input<typeof AuthorizationServerPolicy> {
  const self = `${policiesUrl(base, p.authServerId)}/${p.id}`;
  return {
    type: "OAUTH_AUTHORIZATION_POLICY" as const,
    id: p.id,
    status: p.status,
    name: p.name,
    ...(p.description !== null ? { description: p.description } : {}),
    priority: p.priority,
    system: p.system,
    conditions: { clients: { include: p.clients } },
    created: p.created,
    lastUpdated: p.lastUpdated,
    _links: {
      self: p.system ? link(self, "GET", "PUT") : link(self, "GET", "PUT", "DELETE"),
      ...lifecycleLinks(self, p.status),
      rules: link(`${self}/rules`, "GET"),
    },
  };
}

/** Okta's AuthorizationServerPolicyRule response object. */
export function toRuleResponse(r: RuleRecord, base: string): z.input<typeof AuthorizationServerPolicyRule> {
  const self = `${policiesUrl(base, r.authServerId)}/${r.policyId}/rules/${r.id}`;
  return {
    type: "RESOURCE_ACCESS" as const,
    id: r.id,
    status: r.status,
    name: r.name,
    priority: r.priority,
    created: r.created,
    lastUpdated: r.lastUpdated,
    system: r.system,
    conditions: { people: r.people, grantTypes: { include: r.grantTypes }, scopes: { include: r.scopes } },
    actions: { token: r.token },
    // Okta's example nests deactivate inside self (a spec bug, REFERENCE 10.7); here it is a sibling.
    _links: { self: r.system ? link(self, "GET", "PUT") : link(self, "GET", "PUT", "DELETE"), ...lifecycleLinks(self, r.status) },
  };
}
