import { Hono } from "hono";
import { isoTime } from "../clock";
import type { AppEnv, Env } from "../env";
import { ApiError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import type { Status } from "../policy/types";
import { deletePolicy, insertPolicy, listPolicies, replacePolicy, setStatus, type PolicyWrite } from "../store/policies";
import { readBody } from "./body";
import { z } from "zod";
import type { Operation } from "./openapi";
import { AuthorizationServerPolicy, PolicyInput, toPolicyResponse } from "./policy-schema";
import { invalidate } from "../cache/invalidate";
import { requireServer, requirePolicy, notFoundError } from "./require";

const WHAT = "AuthorizationServerPolicy";

function toWrite(input: PolicyInput, status: Status): PolicyWrite {
  return {
    name: input.name,
    description: input.description,
    status,
    clients: [...new Set(input.conditions.clients.include)],
    priority: input.priority ?? null,
  };
}

async function setPolicyStatus(env: Env, serverId: string, policyId: string, status: Status, now: number): Promise<void> {
  await requireServer(env, serverId);
  if (!(await setStatus(env.DB, serverId, { policyId }, status, isoTime(now)))) throw notFoundError(policyId, "Policy");
  invalidate({ server: serverId });
}

const POLICIES = "/:authServerId/policies";
const ONE = `${POLICIES}/:policyId`;

export const policyOperations: Operation[] = [
  { method: "get", path: POLICIES, operationId: "listAuthorizationServerPolicies", summary: "List all policies", status: 200, response: z.array(AuthorizationServerPolicy) },
  { method: "post", path: POLICIES, operationId: "createAuthorizationServerPolicy", summary: "Create a policy", body: PolicyInput, status: 201, response: AuthorizationServerPolicy },
  { method: "get", path: ONE, operationId: "getAuthorizationServerPolicy", summary: "Retrieve a policy", status: 200, response: AuthorizationServerPolicy },
  { method: "put", path: ONE, operationId: "replaceAuthorizationServerPolicy", summary: "Replace a policy", body: PolicyInput, status: 200, response: AuthorizationServerPolicy },
  { method: "delete", path: ONE, operationId: "deleteAuthorizationServerPolicy", summary: "Delete a policy", status: 204 },
  { method: "post", path: `${ONE}/lifecycle/activate`, operationId: "activateAuthorizationServerPolicy", summary: "Activate a policy", status: 204 },
  { method: "post", path: `${ONE}/lifecycle/deactivate`, operationId: "deactivateAuthorizationServerPolicy", summary: "Deactivate a policy", status: 204 },
];

export const policies = new Hono<AppEnv>()
  .get(POLICIES, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const base = orgBase(c.env, c.req.url);
    return c.json((await listPolicies(c.env.DB, serverId)).map((p) => toPolicyResponse(p, base)));
  })
  .post(POLICIES, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const input = await readBody(c, PolicyInput, WHAT);
    // Okta: a new policy is ACTIVE unless the body says otherwise, and goes last unless given a priority.
    const policy = await insertPolicy(c.env.DB, serverId, newId("00p"), toWrite(input, input.status ?? "ACTIVE"), isoTime(c.get("now")));
    invalidate({ server: serverId });
    return c.json(toPolicyResponse(policy, orgBase(c.env, c.req.url)), 201);
  })
  .get(ONE, async (c) => {
    const policy = await requirePolicy(c.env, c.req.param("authServerId"), c.req.param("policyId"));
    return c.json(toPolicyResponse(policy, orgBase(c.env, c.req.url)));
  })
  .put(ONE, async (c) => {
    const { authServerId, policyId } = c.req.param();
    const existing = await requirePolicy(c.env, authServerId, policyId);
    const input = await readBody(c, PolicyInput, WHAT);
    // A full replacement, except that an absent priority or status keeps the current one.
    const policy = await replacePolicy(c.env.DB, authServerId, existing, toWrite(input, input.status ?? existing.status), isoTime(c.get("now")));
    if (!policy) throw notFoundError(policyId, "Policy");
    invalidate({ server: authServerId });
    return c.json(toPolicyResponse(policy, orgBase(c.env, c.req.url)));
  })
  .delete(ONE, async (c) => {
    const { authServerId, policyId } = c.req.param();
    const existing = await requirePolicy(c.env, authServerId, policyId);
    if (existing.system) throw new ApiError("E0000006", undefined, [`The system policy '${existing.name}' cannot be deleted.`]);
    if (!(await deletePolicy(c.env.DB, authServerId, policyId))) throw notFoundError(policyId, "Policy");
    invalidate({ server: authServerId });
    return c.body(null, 204);
  })
  .post(`${ONE}/lifecycle/activate`, async (c) => {
    await setPolicyStatus(c.env, c.req.param("authServerId"), c.req.param("policyId"), "ACTIVE", c.get("now"));
    return c.body(null, 204);
  })
  .post(`${ONE}/lifecycle/deactivate`, async (c) => {
    await setPolicyStatus(c.env, c.req.param("authServerId"), c.req.param("policyId"), "INACTIVE", c.get("now"));
    return c.body(null, 204);
  });
