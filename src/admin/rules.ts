import { Hono } from "hono";
import { isoTime } from "../clock";
import type { AppEnv, Env } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { checkRuleLifetimes } from "../policy/evaluate";
import type { Status } from "../policy/types";
import { deleteRule, insertRule, listRules, replaceRule, setStatus, type RuleWrite } from "../store/policies";
import { unknownScopeNames } from "../store/scopes";
import { readBody } from "./body";
import { z } from "zod";
import type { Operation } from "./openapi";
import { AuthorizationServerPolicyRule, RuleInput, ruleFromInput, toRuleResponse } from "./policy-schema";
import { invalidate } from "../cache/invalidate";
import { requirePolicy, requireRule, notFoundError } from "./require";

const WHAT = "AuthorizationServerPolicyRule";

/** Validates a rule body: its shape, then its lifetimes and scope names, reporting every problem at once. */
async function readRule(env: Env, body: RuleInput, serverId: string, status: Status): Promise<RuleWrite> {
  const rule = ruleFromInput(body);
  const causes = checkRuleLifetimes(rule.token);
  // Okta refuses a rule that names a scope the authorization server does not define ("*" means any).
  const unknown = await unknownScopeNames(env.DB, serverId, rule.scopes.filter((s) => s !== "*"));
  for (const name of unknown) causes.push(`conditions.scopes.include: '${name}' is not a scope of this authorization server`);
  if (causes.length) throw validationError(WHAT, causes);
  return { ...rule, status, priority: body.priority ?? null };
}

async function setRuleStatus(env: Env, serverId: string, policyId: string, ruleId: string, status: Status, now: number): Promise<void> {
  await requirePolicy(env, serverId, policyId);
  if (!(await setStatus(env.DB, serverId, { policyId, ruleId }, status, isoTime(now)))) throw notFoundError(ruleId, "PolicyRule");
  invalidate({ server: serverId });
}

const RULES = "/:authServerId/policies/:policyId/rules";

const ONE = `${RULES}/:ruleId`;

export const ruleOperations: Operation[] = [
  { method: "get", path: RULES, operationId: "listAuthorizationServerPolicyRules", summary: "List all policy rules", status: 200, response: z.array(AuthorizationServerPolicyRule) },
  { method: "post", path: RULES, operationId: "createAuthorizationServerPolicyRule", summary: "Create a policy rule", body: RuleInput, status: 201, response: AuthorizationServerPolicyRule },
  { method: "get", path: ONE, operationId: "getAuthorizationServerPolicyRule", summary: "Retrieve a policy rule", status: 200, response: AuthorizationServerPolicyRule },
  { method: "put", path: ONE, operationId: "replaceAuthorizationServerPolicyRule", summary: "Replace a policy rule", body: RuleInput, status: 200, response: AuthorizationServerPolicyRule },
  { method: "delete", path: ONE, operationId: "deleteAuthorizationServerPolicyRule", summary: "Delete a policy rule", status: 204 },
  { method: "post", path: `${ONE}/lifecycle/activate`, operationId: "activateAuthorizationServerPolicyRule", summary: "Activate a policy rule", status: 204 },
  { method: "post", path: `${ONE}/lifecycle/deactivate`, operationId: "deactivateAuthorizationServerPolicyRule", summary: "Deactivate a policy rule", status: 204 },
];

export const rules = new Hono<AppEnv>()
  .get(RULES, async (c) => {
    const { authServerId, policyId } = c.req.param();
    await requirePolicy(c.env, authServerId, policyId);
    const base = orgBase(c.env, c.req.url);
    return c.json((await listRules(c.env.DB, authServerId, policyId)).map((r) => toRuleResponse(r, base)));
  })
  .post(RULES, async (c) => {
    const { authServerId, policyId } = c.req.param();
    await requirePolicy(c.env, authServerId, policyId);
    const body = await readBody(c, RuleInput, WHAT);
    // Okta: a new rule is ACTIVE unless the body says otherwise, and goes last unless given a priority.
    const write = await readRule(c.env, body, authServerId, body.status ?? "ACTIVE");
    const rule = await insertRule(c.env.DB, authServerId, policyId, newId("0pr"), write, isoTime(c.get("now")));
    if (!rule) throw notFoundError(policyId, "Policy");
    invalidate({ server: authServerId });
    return c.json(toRuleResponse(rule, orgBase(c.env, c.req.url)), 201);
  })
  .get(ONE, async (c) => {
    const { authServerId, policyId, ruleId } = c.req.param();
    return c.json(toRuleResponse(await requireRule(c.env, authServerId, policyId, ruleId), orgBase(c.env, c.req.url)));
  })
  .put(ONE, async (c) => {
    const { authServerId, policyId, ruleId } = c.req.param();
    const existing = await requireRule(c.env, authServerId, policyId, ruleId);
    const body = await readBody(c, RuleInput, WHAT);
    // A full replacement (absent parts take their create defaults), except that an absent priority or status keeps the current one.
    const write = await readRule(c.env, body, authServerId, body.status ?? existing.status);
    const rule = await replaceRule(c.env.DB, existing, write, isoTime(c.get("now")));
    if (!rule) throw notFoundError(ruleId, "PolicyRule");
    invalidate({ server: authServerId });
    return c.json(toRuleResponse(rule, orgBase(c.env, c.req.url)));
  })
  .delete(ONE, async (c) => {
    const { authServerId, policyId, ruleId } = c.req.param();
    const existing = await requireRule(c.env, authServerId, policyId, ruleId);
    // Okta: system rules cannot be deleted.
    if (existing.system) throw new ApiError("E0000006", undefined, [`The system rule '${existing.name}' cannot be deleted.`]);
    if (!(await deleteRule(c.env.DB, authServerId, policyId, ruleId))) throw notFoundError(ruleId, "PolicyRule");
    invalidate({ server: authServerId });
    return c.body(null, 204);
  })
  .post(`${ONE}/lifecycle/activate`, async (c) => {
    const { authServerId, policyId, ruleId } = c.req.param();
    await setRuleStatus(c.env, authServerId, policyId, ruleId, "ACTIVE", c.get("now"));
    return c.body(null, 204);
  })
  .post(`${ONE}/lifecycle/deactivate`, async (c) => {
    const { authServerId, policyId, ruleId } = c.req.param();
    await setRuleStatus(c.env, authServerId, policyId, ruleId, "INACTIVE", c.get("now"));
    return c.body(null, 204);
  });
