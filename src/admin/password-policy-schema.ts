import { z } from "zod";
import type { PasswordPolicyRecord, StoredPasswordSettings } from "../store/password-policy";
import { link } from "./links";
import { Links } from "./openapi";

const Flag = z.number().int().min(0, "must be 0 or 1").max(1, "must be 0 or 1");

/**
 * Okta's PasswordPolicyPasswordSettings as a replace (PUT) takes it. Omitted fields take the defaults of Okta's
 * API schema (management-minimal.yaml: minLength 8, each min* 1, excludeUsername true, maxAttempts 10,
 * autoUnlockMinutes 0, showLockoutFailures false). Okta: a minimum length of 4 to 30 characters.
 */
const Complexity = z.looseObject({
  minLength: z.number().int().min(4, "must be at least 4").max(30, "must be at most 30").default(8),
  minLowerCase: Flag.default(1),
  minUpperCase: Flag.default(1),
  minNumber: Flag.default(1),
  minSymbol: Flag.default(1),
  excludeUsername: z.boolean().default(true),
});
const Lockout = z.looseObject({
  maxAttempts: z.number().int().min(0, "must be at least 0 (0: never lock)").max(100, "must be at most 100").default(10),
  autoUnlockMinutes: z.number().int().min(0, "must be at least 0 (0: never unlock by time)").max(10080 * 52, "must be at most a year").default(0),
  showLockoutFailures: z.boolean().default(false),
});

export const PasswordPolicySettingsInput = z.looseObject({
  password: z.looseObject({ complexity: Complexity.default(Complexity.parse({})), lockout: Lockout.default(Lockout.parse({})) }).default({
    complexity: Complexity.parse({}),
    lockout: Lockout.parse({}),
  }),
});

/** PUT /api/v1/policies/{id}: Okta's PasswordPolicy; the type cannot change. */
export const PasswordPolicyInput = z
  .looseObject({
    type: z.literal("PASSWORD", { error: "must be PASSWORD (the policy's type cannot change)" }),
    name: z.string({ error: "The field cannot be left blank" }).trim().min(1, "The field cannot be left blank").max(255),
    description: z.string().max(1024).nullish(),
    settings: PasswordPolicySettingsInput,
  })
  .meta({ id: "PasswordPolicyRequest" });
export type PasswordPolicyInput = z.infer<typeof PasswordPolicyInput>;

/** Okta's PasswordPolicy response object. */
export const PasswordPolicy = z
  .object({
    id: z.string(),
    type: z.literal("PASSWORD"),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    name: z.string(),
    description: z.string().nullable(),
    priority: z.number(),
    system: z.boolean(),
    created: z.string(),
    lastUpdated: z.string(),
    conditions: z.record(z.string(), z.unknown()),
    settings: z.record(z.string(), z.unknown()),
    _links: Links,
  })
  .meta({ id: "PasswordPolicy" });

export const toStoredSettings = (s: PasswordPolicyInput["settings"]): StoredPasswordSettings => s as StoredPasswordSettings;

export function toPasswordPolicyResponse(p: PasswordPolicyRecord, base: string): z.input<typeof PasswordPolicy> {
  const self = `${base}/api/v1/policies/${p.id}`;
  return {
    id: p.id,
    type: p.type,
    status: p.status,
    name: p.name,
    description: p.description,
    priority: p.priority,
    system: p.system,
    created: p.created,
    lastUpdated: p.lastUpdated,
    conditions: p.conditions,
    settings: p.settings,
    // Okta: the default (system) policy can be read and replaced, never deleted or deactivated.
    _links: { self: link(self, "GET", "PUT") },
  };
}
