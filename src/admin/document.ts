import type { Handler } from "hono";
import type { AppEnv } from "../env";
import { orgBase } from "../issuer";
import { appAssignmentOperations } from "./app-assignments";
import { appGrantOperations } from "./app-grants";
import { appOperations } from "./apps";
import { authorizationServerOperations } from "./authorization-servers";
import { associatedServerOperations } from "./associated-servers";
import { claimOperations } from "./claims";
import { groupOperations } from "./groups";
import { adminDocument, type OperationGroup } from "./openapi";
import { policyOperations } from "./policies";
import { ruleOperations } from "./rules";
import { scopeOperations } from "./scopes";
import { signingKeyOperations } from "./signing-keys";
import { trustedOriginOperations } from "./trusted-origins";
import { userGrantOperations } from "./user-grants";
import { userRoleOperations } from "./user-roles";
import { userOperations } from "./users";
import { serverClientOperations } from "./server-clients";
import { userClientOperations } from "./user-clients";
import { userSessionOperations } from "./user-sessions";
import { userUnlockOperations } from "./user-unlock";
import { passwordPolicyOperations } from "./password-policies";
import { eventHookOperations } from "./event-hooks";
import { inlineHookOperations } from "./inline-hooks";
import { logOperations } from "./logs";

/** Every admin route, by where app.ts mounts it; a test checks that this and the router agree both ways. */
export const OPERATION_GROUPS: OperationGroup[] = [
  {
    prefix: "",
    tag: "OpenAPI",
    operations: [
      { method: "get", path: "/openapi.json", operationId: "getOpenApiDocument", summary: "This document (no authentication)", status: 200, public: true },
    ],
  },
  { prefix: "/authorizationServers", tag: "AuthorizationServer", operations: authorizationServerOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerKeys", operations: signingKeyOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerScopes", operations: scopeOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerClaims", operations: claimOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerPolicies", operations: policyOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerRules", operations: ruleOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerClients", operations: serverClientOperations },
  { prefix: "/authorizationServers", tag: "AuthorizationServerAssoc", operations: associatedServerOperations },
  { prefix: "/apps", tag: "Application", operations: appOperations },
  { prefix: "/apps", tag: "ApplicationGrants", operations: appGrantOperations },
  { prefix: "/apps", tag: "ApplicationUsers", operations: appAssignmentOperations },
  { prefix: "/users", tag: "User", operations: userOperations },
  { prefix: "/users", tag: "RoleAssignment", operations: userRoleOperations },
  { prefix: "/users", tag: "UserGrant", operations: userGrantOperations },
  { prefix: "/users", tag: "UserOAuth", operations: userClientOperations },
  { prefix: "/users", tag: "UserSessions", operations: userSessionOperations },
  { prefix: "/groups", tag: "Group", operations: groupOperations },
  { prefix: "/trustedOrigins", tag: "TrustedOrigin", operations: trustedOriginOperations },
  { prefix: "/users", tag: "UserLifecycle", operations: userUnlockOperations },
  { prefix: "/policies", tag: "Policy", operations: passwordPolicyOperations },
  { prefix: "/logs", tag: "SystemLog", operations: logOperations },
  { prefix: "/eventHooks", tag: "EventHook", operations: eventHookOperations },
  { prefix: "/inlineHooks", tag: "InlineHook", operations: inlineHookOperations },
];

// The document depends only on the org's base URL; built once per base in this isolate.
const built = new Map<string, ReturnType<typeof adminDocument>>();

/** GET /api/v1/openapi.json: Mintgate's own OpenAPI 3.1 description of the admin API. */
export const serveDocument: Handler<AppEnv> = (c) => {
  const base = orgBase(c.env, c.req.url);
  let doc = built.get(base);
  if (!doc) {
    if (built.size >= 16) built.clear();
    doc = adminDocument(base, OPERATION_GROUPS);
    built.set(base, doc);
  }
  return c.json(doc);
};
