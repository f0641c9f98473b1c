import { z } from "zod";
import { groupFilter } from "../policy/claims/group-filter";
import { isReservedClaim } from "../policy/claims/reserved";
import { parseExpression } from "../policy/expression";
import type { ClaimFields, ClaimRecord, ClaimStatus } from "../store/claims";
import { link } from "./links";
import { Links } from "./openapi";

/** Messages for a field that is absent or of the wrong type; other issues keep their own message. */
const required = (expected: string) => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code !== "invalid_type" ? undefined : issue.input === undefined ? "The field is required" : `Expected ${expected}`,
});

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? "The field is required" : `Expected one of ${values.join(", ")}`) });

/** Okta's docs show `"alwaysIncludeInToken": "true"` in a request; Jackson reads such strings as booleans. */
const Flag = z.preprocess(
  (v) => (typeof v === "string" && /^(true|false)$/i.test(v) ? v.toLowerCase() === "true" : v),
  z.boolean({ error: "Expected a boolean" }),
);

/**
 * Okta's OAuth2Claim as a request body (create and replace): name, claimType, valueType and value are
 * required (Okta docs). Read-only fields clients echo back (id, system, apiResourceId, _links) are accepted
 * and ignored. Rules that need more than the shape are checked by claimProblems.
 */
export const ClaimInput = z.object({
  name: z
    .string(required("a string"))
    .min(1, "The field cannot be left blank")
    .max(255, "A claim name can be at most 255 characters")
    // Okta's examples name a claim for the group "Knowledge Base" Knowledge_Base: names carry no whitespace.
    .regex(/^[^\s\p{Cc}]*$/u, "A claim name cannot contain whitespace or control characters"),
  status: oneOf(["ACTIVE", "INACTIVE"]).optional(),
  claimType: oneOf(["RESOURCE", "IDENTITY"]),
  valueType: oneOf(["EXPRESSION", "GROUPS", "SYSTEM"]),
  // The longest expression the language accepts (DEFAULT_LIMITS.maxSourceLength).
  value: z.string(required("a string")).min(1, "The field cannot be left blank").max(1024, "A value can be at most 1024 characters"),
  group_filter_type: oneOf(["STARTS_WITH", "EQUALS", "CONTAINS", "REGEX"]).nullish(),
  alwaysIncludeInToken: Flag.optional(),
  conditions: z
    .object(
      {
        scopes: z
          .array(z.string(required("a string")).min(1, "A scope cannot be blank").max(1024), required("an array of scope names"))
          .max(100, "A claim can name at most 100 scopes")
          .optional(),
      },
      required("an object"),
    )
    .nullish(),
}).meta({ id: "OAuth2ClaimRequest" });

export type ClaimInput = z.infer<typeof ClaimInput>;

/**
 * What the shape cannot say, as errorCauses: reserved names, the GROUPS/group_filter_type pairing, and a
 * value that must parse now (conventions: claim expressions are parsed when an admin saves them).
 */
export function claimProblems(input: ClaimInput): string[] {
  const causes: string[] = [];
  if (isReservedClaim(input.name, input.claimType)) {
    const token = input.claimType === "RESOURCE" ? "access tokens" : "ID tokens";
    causes.push(`name: '${input.name}' is a reserved claim name in ${token}`);
  }
  if (input.valueType === "SYSTEM") causes.push("valueType: SYSTEM claims are created by the server and cannot be written");
  const filterType = input.group_filter_type ?? null;
  if (input.valueType === "GROUPS" && filterType === null) causes.push("group_filter_type: The field is required when valueType is GROUPS");
  if (input.valueType !== "GROUPS" && filterType !== null) causes.push("group_filter_type: Only allowed when valueType is GROUPS");
  if (input.valueType === "EXPRESSION") {
    const parsed = parseExpression(input.value);
    if (!parsed.ok) causes.push(`value: ${parsed.error.message} at position ${parsed.error.position}`);
  }
  if (input.valueType === "GROUPS" && filterType !== null) {
    const filter = groupFilter(filterType, input.value);
    if (!filter.ok) causes.push(`value: ${filter.error} at position ${filter.position}`);
  }
  return causes;
}

/** The stored fields for a valid body; status is decided by the caller (create default, or the current one). */
export function claimFromInput(input: ClaimInput, status: ClaimStatus): ClaimFields {
  return {
    name: input.name,
    status,
    claimType: input.claimType,
    valueType: input.valueType,
    value: input.value,
    groupFilterType: input.group_filter_type ?? null,
    // Okta: "always TRUE for access token Claims"; for ID token claims the API examples send true, the default here.
    alwaysIncludeInToken: input.claimType === "RESOURCE" ? true : (input.alwaysIncludeInToken ?? true),
    scopes: [...new Set(input.conditions?.scopes ?? [])],
  };
}

/** Okta's OAuth2Claim response object. */
export const OAuth2Claim = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    claimType: z.enum(["RESOURCE", "IDENTITY"]),
    valueType: z.enum(["EXPRESSION", "GROUPS", "SYSTEM"]),
    value: z.string(),
    conditions: z.object({ scopes: z.array(z.string()) }),
    system: z.boolean(),
    alwaysIncludeInToken: z.boolean(),
    apiResourceId: z.null(),
    group_filter_type: z.enum(["STARTS_WITH", "EQUALS", "CONTAINS", "REGEX"]).optional(),
    _links: Links,
  })
  .meta({ id: "OAuth2Claim" });

/**
 * Okta's OAuth2Claim response object. apiResourceId is always null (Okta returns it, undocumented);
 * group_filter_type appears only on GROUPS claims, as Okta omits nulls.
 */
export function toClaimResponse(c: ClaimRecord, authServerId: string, base: string): z.input<typeof OAuth2Claim> {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    claimType: c.claimType,
    valueType: c.valueType,
    value: c.value,
    conditions: { scopes: c.scopes },
    system: c.system,
    alwaysIncludeInToken: c.alwaysIncludeInToken,
    apiResourceId: null,
    ...(c.groupFilterType !== null ? { group_filter_type: c.groupFilterType } : {}),
    _links: { self: link(`${base}/api/v1/authorizationServers/${authServerId}/claims/${c.id}`, "GET", "PUT", "DELETE") },
  };
}
