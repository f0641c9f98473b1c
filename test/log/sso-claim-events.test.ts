import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createClaim, expressionClaim } from "../support/claims";
import { clientCredentials, createApp, readyServer, tokenBody } from "../support/clients";
import { waitForEvents } from "../support/log";
import { authorize, codeParams, redirectParams } from "../support/people";
import { signedInWithApp } from "../support/person-with-app";

// Issue 13: the System Log's events of a person reaching an app (user.authentication.sso), of tokens /authorize
// issues itself (app.oauth2.as.authorize.implicit.*), and of a custom claim that fails to evaluate.

describe("the System Log's SSO and implicit-token events", () => {
  it("records user.authentication.sso, target the app instance, and one implicit event per token /authorize issued", async () => {
    const { server, person, client, sid } = await signedInWithApp({ app: { grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] } });
    const res = await authorize(server.id, codeParams(client, { response_type: "id_token token", scope: "openid" }), { cookies: [sid] });
    expect(redirectParams(res, "fragment").access_token).toBeDefined();
    const tx = res.headers.get("X-Okta-Request-Id");
    const [sso] = await waitForEvents((e) => e.eventType === "user.authentication.sso" && e.transaction.id === tx);
    expect(sso).toMatchObject({
      displayMessage: "User single sign on to app",
      severity: "INFO",
      actor: { id: person.id, type: "User", alternateId: person.login },
      client: { id: client.clientId },
      outcome: { result: "SUCCESS", reason: null },
      target: [{ id: client.id, type: "AppInstance", alternateId: client.app.label, displayName: client.app.label }],
    });
    const implicit = await waitForEvents((e) => e.eventType.startsWith("app.oauth2.as.authorize.implicit.") && e.transaction.id === tx, 2);
    expect(implicit.map((e) => e.eventType).sort()).toEqual(["app.oauth2.as.authorize.implicit.access_token", "app.oauth2.as.authorize.implicit.id_token"]);
    for (const e of implicit) {
      expect(e).toMatchObject({ actor: { id: person.id, type: "User" }, client: { id: client.clientId }, target: [{ id: server.id, type: "AuthorizationServer" }], debugContext: { debugData: { grantType: "implicit", grantedScopes: "openid" } } });
    }
  });

  it("records user.authentication.sso for a code, and no implicit event", async () => {
    const { server, client, sid } = await signedInWithApp();
    const res = await authorize(server.id, codeParams(client), { cookies: [sid] });
    expect(redirectParams(res).code).toBeDefined();
    const tx = res.headers.get("X-Okta-Request-Id");
    const events = await waitForEvents((e) => e.transaction.id === tx && (e.eventType === "user.authentication.sso" || e.eventType === "app.oauth2.as.authorize.code"), 2);
    expect(events.map((e) => e.eventType).sort()).toEqual(["app.oauth2.as.authorize.code", "user.authentication.sso"]);
  });
});

describe("the System Log's claim evaluation failures", () => {
  it("records app.oauth2.as.evaluate.claim FAILURE and issues the token without the claim", async () => {
    const rs = await readyServer();
    await createClaim(rs.id, expressionClaim("broken", "app.clientId - 1", { claimType: "RESOURCE" }));
    await createClaim(rs.id, expressionClaim("fine", "app.clientId", { claimType: "RESOURCE" }));
    const client = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
    const res = await clientCredentials(rs.id, client, "orders:read");
    const claims = decodeJwt((await tokenBody(res)).access_token);
    expect(claims.broken).toBeUndefined();
    expect(claims.fine).toBe(client.clientId);
    const [e] = await waitForEvents((e) => e.eventType === "app.oauth2.as.evaluate.claim" && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
    expect(e).toMatchObject({
      severity: "WARN",
      outcome: { result: "FAILURE", reason: "Claim 'broken' could not be evaluated" },
      actor: { id: client.clientId, type: "PublicClientApp" },
      client: { id: client.clientId },
      target: [{ id: rs.id, type: "AuthorizationServer" }],
      debugContext: { debugData: { claimName: "broken", claimType: "RESOURCE", error: expect.stringContaining("needs numbers") } },
    });
  });
});
