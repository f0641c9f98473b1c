import { decodeJwt } from "jose";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Client, Json } from "../support/clients";
import { authorize, codeParams, expectRedirectError, redeem, redirectParams, verifyIdToken, pkce, type PeopleServer, type Person } from "../support/people";
import { signedInWithApp } from "../support/person-with-app";
import { hookServer, waitForEvents } from "../support/log";
import { createTokenHook, hookRule } from "../support/token-hooks";

const PATH = "/implicit-hook";
let server: PeopleServer;
let person: Person;
let web: Client;
let sid: string;
let hook: Json;

const patches = {
  commands: [
    { type: "com.okta.identity.patch", value: [{ op: "add", path: "/claims/extPatientId", value: "1234" }] },
    { type: "com.okta.access.patch", value: [{ op: "add", path: "/claims/external_guid", value: "F0384685" }, { op: "replace", path: "/token/lifetime/expiration", value: 900 }] },
  ],
};

beforeAll(async () => {
  ({ server, person, client: web, sid } = await signedInWithApp({
    app: { grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] },
  }));
  hook = await createTokenHook(PATH);
  await hookRule(server, hook.id, ["authorization_code", "implicit"]);
});

beforeEach(async () => {
  await hookServer.reset();
});

describe("a token inline hook on tokens /authorize issues itself (implicit and hybrid)", () => {
  it("runs for response_type 'id_token token' with Okta's /authorize request body, and its changes are in both tokens", async () => {
    await hookServer.script({ path: PATH, body: patches });
    const params = codeParams(web, { response_type: "id_token token", scope: "openid profile" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(back.expires_in).toBe("900");
    const access = decodeJwt(back.access_token!);
    expect(access.external_guid).toBe("F0384685");
    expect(access.exp! - access.iat!).toBe(900);
    const id = await verifyIdToken(server.id, back.id_token!, web.clientId);
    expect(id.extPatientId).toBe("1234");
    expect(id.nonce).toBe(params.nonce);
    // The at_hash is of the access token the hook changed: the one the client got.
    expect(typeof id.at_hash).toBe("string");
    const [call] = await hookServer.records(PATH);
    expect(call!.headers.authorization).toBe("hook-secret");
    expect(call!.body).toMatchObject({
      eventType: "com.okta.oauth2.tokens.transform",
      cloudEventVersion: "0.1",
      source: `${server.issuer}/v1/authorize`,
      data: {
        context: {
          request: { method: "GET", url: { value: expect.stringContaining(`/oauth2/${server.id}/v1/authorize?`) } },
          protocol: {
            type: "OAUTH2.0",
            request: { response_type: "id_token token", client_id: web.clientId, scope: "openid profile", state: params.state, nonce: params.nonce, redirect_uri: params.redirect_uri },
            client: { id: web.clientId },
          },
          user: { id: person.id, profile: { login: person.login } },
          policy: { id: server.policy.id, rule: { id: server.rule.id } },
        },
        identity: { claims: { sub: person.id, aud: web.clientId, nonce: params.nonce }, token: { lifetime: { expiration: 3600 } } },
        access: { claims: { uid: person.id, cid: web.clientId, jti: access.jti }, token: { lifetime: { expiration: 3600 } } },
      },
    });
    // Okta's /authorize example carries the response_type and no grant_type.
    expect(call!.body.data.context.protocol.request.grant_type).toBeUndefined();
    await waitForEvents((e) => e.eventType === "inline_hook.executed" && e.target[0]?.id === hook.id);
  });

  it("runs for response_type 'id_token' alone: the hook sees only the ID token", async () => {
    await hookServer.script({ path: PATH, body: { commands: [patches.commands[0]] } });
    const params = codeParams(web, { response_type: "id_token", scope: "openid" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(back.access_token).toBeUndefined();
    expect((await verifyIdToken(server.id, back.id_token!, web.clientId)).extPatientId).toBe("1234");
    const [call] = await hookServer.records(PATH);
    expect(call!.body.data.access).toBeUndefined();
    expect(call!.body.data.identity.claims.sub).toBe(person.id);
  });

  it("issues the tokens unmodified when the hook fails (Okta: skipped, never retried)", async () => {
    await hookServer.script({ path: PATH, status: 500, body: patches });
    const back = redirectParams(await authorize(server.id, codeParams(web, { response_type: "token", scope: "openid" }), { cookies: [sid] }), "fragment");
    expect(decodeJwt(back.access_token!).external_guid).toBeUndefined();
    expect(back.expires_in).toBe("3600");
    expect(await hookServer.records(PATH)).toHaveLength(1);
  });

  it("skips an invalid response (a patch for a token not being minted) and issues the token unmodified", async () => {
    await hookServer.script({ path: PATH, body: patches });
    const back = redirectParams(await authorize(server.id, codeParams(web, { response_type: "token", scope: "openid" }), { cookies: [sid] }), "fragment");
    expect(decodeJwt(back.access_token!).external_guid).toBeUndefined();
  });

  it("answers server_error at the redirect_uri with the hook's errorSummary (a hybrid response too), and logs the refusal", async () => {
    await hookServer.script({ path: PATH, body: { error: { errorSummary: "Not allowed today" } } });
    const { challenge } = await pkce();
    const params = codeParams(web, { response_type: "code id_token", scope: "openid", code_challenge: challenge, code_challenge_method: "S256" });
    const res = await authorize(server.id, params, { cookies: [sid] });
    expectRedirectError(res, "server_error", "Not allowed today", { state: params.state, mode: "fragment" });
    const [refused] = await waitForEvents((e) => e.eventType === "app.oauth2.as.authorize" && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
    expect(refused!.outcome).toEqual({ result: "FAILURE", reason: "server_error" });
  });

  it("is not called for response_type 'code' at /authorize (the token endpoint runs it when the code is redeemed)", async () => {
    await hookServer.script({ path: PATH, body: { commands: [patches.commands[1]!] } });
    const { verifier, challenge } = await pkce();
    const params = codeParams(web, { scope: "openid", code_challenge: challenge, code_challenge_method: "S256" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }));
    expect(await hookServer.records(PATH)).toEqual([]);
    const res = await redeem(server.id, web, { code: back.code!, verifier });
    expect(res.status).toBe(200);
    const [call] = await hookServer.records(PATH);
    expect(call!.body.source).toBe(`${server.issuer}/v1/token`);
    expect(call!.body.data.context.protocol.request.grant_type).toBe("authorization_code");
  });
});
