import { Hono } from "hono";
import { z } from "zod";
import { invalidate } from "../cache/invalidate";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { orgBase } from "../issuer";
import { getPasswordPolicy, listPasswordPolicies, replacePasswordPolicy } from "../store/password-policy";
import { readBody, readQuery } from "./body";
import type { Operation } from "./openapi";
import { PasswordPolicy, PasswordPolicyInput, toPasswordPolicyResponse, toStoredSettings } from "./password-policy-schema";
import { notFoundError } from "./require";

const WHAT = "Policy";

// Okta's policy types; Mintgate keeps only PASSWORD, so the others list as empty (none are configured).
const PolicyListQuery = z.object({
  type: z.enum(["OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "IDP_DISCOVERY", "ACCESS_POLICY", "PROFILE_ENROLLMENT", "POST_AUTH_SESSION", "ENTITY_RISK"], {
    error: "type is required: one of OKTA_SIGN_ON, PASSWORD, MFA_ENROLL, IDP_DISCOVERY, ACCESS_POLICY, PROFILE_ENROLLMENT, POST_AUTH_SESSION, ENTITY_RISK",
  }),
  status: z.enum(["ACTIVE", "INACTIVE"]).optional(),
});

export const passwordPolicyOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listPolicies", summary: "List all policies of a type (Mintgate keeps the default PASSWORD policy)", query: PolicyListQuery, status: 200, response: z.array(PasswordPolicy) },
  { method: "get", path: "/:policyId", operationId: "getPolicy", summary: "Retrieve a policy", status: 200, response: PasswordPolicy },
  { method: "put", path: "/:policyId", operationId: "replacePolicy", summary: "Replace a policy (its complexity and lockout settings take effect at once)", body: PasswordPolicyInput, status: 200, response: PasswordPolicy },
];

/** /api/v1/policies: Okta's org policies; the default PASSWORD policy drives password complexity and lockout. */
export const passwordPolicies = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, PolicyListQuery, WHAT);
    if (q.type !== "PASSWORD") return c.json([]);
    const base = orgBase(c.env, c.req.url);
    const all = await listPasswordPolicies(c.env.DB);
    return c.json(all.filter((p) => !q.status || p.status === q.status).map((p) => toPasswordPolicyResponse(p, base)));
  })
  .get("/:policyId", async (c) => {
    const policy = await getPasswordPolicy(c.env.DB, c.req.param("policyId"));
    if (!policy) throw notFoundError(c.req.param("policyId"), "Policy");
    return c.json(toPasswordPolicyResponse(policy, orgBase(c.env, c.req.url)));
  })
  .put("/:policyId", async (c) => {
    const id = c.req.param("policyId");
    if (!(await getPasswordPolicy(c.env.DB, id))) throw notFoundError(id, "Policy");
    const input = await readBody(c, PasswordPolicyInput, WHAT);
    const policy = await replacePasswordPolicy(c.env.DB, id, {
      name: input.name,
      description: input.description ?? null,
      settings: toStoredSettings(input.settings),
      now: isoTime(c.get("now")),
    });
    if (!policy) throw notFoundError(id, "Policy");
    invalidate({ passwordPolicy: true });
    return c.json(toPasswordPolicyResponse(policy, orgBase(c.env, c.req.url)));
  });
