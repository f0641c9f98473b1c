import { expect } from "vitest";
import { admin } from "./admin";
import type { Json } from "./clients";

/** A token inline hook (com.okta.oauth2.tokens.transform) at a path of the test hook server (Service Binding). */
export async function createTokenHook(path: string): Promise<Json> {
  const res = await admin("/inlineHooks", {
    method: "POST",
    json: {
      name: `token hook ${crypto.randomUUID().slice(0, 6)}`,
      type: "com.okta.oauth2.tokens.transform",
      version: "1.0.0",
      channel: { type: "HTTP", version: "1.0.0", config: { uri: `service://HOOK_TEST${path}`, authScheme: { type: "HEADER", key: "Authorization", value: "hook-secret" } } },
    },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Points a server's rule at the hook (Okta: actions.token.inlineHook.id). */
export async function hookRule(s: { id: string; policy: Json; rule: Json }, hookId: string, grantTypes: string[]): Promise<void> {
  const res = await admin(`/authorizationServers/${s.id}/policies/${s.policy.id}/rules/${s.rule.id}`, {
    method: "PUT",
    json: {
      type: "RESOURCE_ACCESS",
      name: s.rule.name,
      conditions: { grantTypes: { include: grantTypes }, scopes: { include: ["*"] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080, inlineHook: { id: hookId } } },
    },
  });
  expect(res.status).toBe(200);
}
