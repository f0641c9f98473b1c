import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetServer } from "../../src/cache/server-bundle";
import { createClaim, expressionClaim } from "../support/claims";
import { asBasic, createApp, FORM, readyServer } from "../support/clients";
import { expectOAuthOutage } from "../support/faults";
import { call } from "../support/admin";

/** A claim whose stored conditions cannot be read is not a claim for every scope: the token is refused (fail closed). */
describe("unreadable claim conditions", () => {
  it.each([
    ["not JSON", "{scopes:"],
    ["scopes that are not a list of names", '{"scopes":"orders:read"}'],
  ])("%s: the token endpoint answers 500 and issues no token", async (_name, conditions) => {
    const rs = await readyServer({ scopes: ["orders:read", "other:read"] });
    const claim = await createClaim(rs.id, expressionClaim("secret", '"only-with-other"', { claimType: "RESOURCE", scopes: ["other:read"] }));
    await env.DB.prepare("UPDATE claims SET conditions = ?1 WHERE id = ?2").bind(conditions, claim.id).run();
    forgetServer(rs.id);
    const client = await createApp();
    const res = await call(`/oauth2/${rs.id}/v1/token`, {
      method: "POST",
      headers: { "Content-Type": FORM, ...asBasic(client) },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "orders:read" }).toString(),
    });
    await expectOAuthOutage(res, "unreadable conditions");
    expect(res.status).toBe(500);
  });
});
