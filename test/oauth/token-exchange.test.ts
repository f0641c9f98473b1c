import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE } from "../support/admin";
import { freezeTime } from "../support/clock";
import { asBasic, createApp, createScope, expectOAuthError, mintToken, oauthPost, POLICY_FAILED, tokenBody, type Client } from "../support/clients";
import { orgPost } from "../support/org";
import { appFor, createPerson, peopleServer, tokensFor, userLifecycle, type PeopleServer, type Person } from "../support/people";

const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT = "urn:ietf:params:oauth:token-type:access_token";
const UNTRUSTED = "The 'subject_token' issuer isn't a trusted authorization server.";
const EXPIRED = "The 'subject_token' either expired or the session associated with it was terminated.";
const INVALID = "'subject_token' is invalid.";

let upstream: PeopleServer;
let downstream: PeopleServer;
let person: Person;
let web: Client;
let service: Client;

/** A person's access token from `server` through the code flow. */
async function personToken(server: PeopleServer, scope = "openid profile"): Promise<string> {
  return (await tokensFor(server.id, web, person, { extra: { scope } })).access_token;
}

function exchange(subjectToken: string, o: { serverId?: string; client?: Client; extra?: Record<string, string | undefined> } = {}): Promise<Response> {
  const params: Record<string, string | undefined> = {
    grant_type: TE,
    subject_token: subjectToken,
    subject_token_type: AT,
    audience: downstream.audience,
    scope: "api:read",
    ...o.extra,
  };
  const defined = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return oauthPost(o.serverId ?? downstream.id, "token", defined, asBasic(o.client ?? service));
}

beforeAll(async () => {
  upstream = await peopleServer();
  downstream = await peopleServer({ scopes: [{ name: "api:read" }, { name: "api:write" }], rule: { grantTypes: ["authorization_code", TE] } });
  person = await createPerson();
  web = await appFor(person);
  service = await createApp({ application_type: "service", grant_types: ["client_credentials", TE] });
  const res = await admin(`/authorizationServers/${downstream.id}/associatedServers`, { method: "POST", json: { trusted: [upstream.id] } });
  expect(res.status).toBe(200);
});

describe("grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693, Okta's On-Behalf-Of)", () => {
  it("exchanges a person's access token of a trusted server for one of this server's audience", async () => {
    const subject = await personToken(upstream);
    const body = await tokenBody(await exchange(subject));
    expect(body).toEqual({ token_type: "Bearer", expires_in: 3600, access_token: expect.any(String), scope: "api:read", issued_token_type: AT });
    const claims = decodeJwt(body.access_token);
    const original = decodeJwt(subject);
    expect(claims).toMatchObject({ iss: downstream.issuer, aud: downstream.audience, sub: person.login, uid: person.id, cid: service.clientId, scp: ["api:read"], auth_time: original.auth_time });
    expect(claims.act).toBeUndefined();
  });

  it("exchanges an access token of the same server", async () => {
    const subject = await personToken(downstream, "openid api:write");
    const body = await tokenBody(await exchange(subject, { extra: { scope: "api:read api:write" } }));
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: person.login, cid: service.clientId, scp: ["api:read", "api:write"] });
  });

  it("answers access_denied for a token of a server this one does not trust", async () => {
    const stranger = await peopleServer();
    await expectOAuthError(await exchange(await personToken(stranger)), 400, "access_denied", UNTRUSTED);
  });

  it("stops accepting a server's tokens once the association is deleted", async () => {
    const other = await peopleServer();
    await admin(`/authorizationServers/${downstream.id}/associatedServers`, { method: "POST", json: { trusted: [other.id] } });
    const subject = await personToken(other);
    await tokenBody(await exchange(subject));
    expect((await admin(`/authorizationServers/${downstream.id}/associatedServers/${other.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOAuthError(await exchange(subject), 400, "access_denied", UNTRUSTED);
  });

  it("trusts in one direction only", async () => {
    const scope = await createScope(upstream.id, { name: `up:${crypto.randomUUID().slice(0, 6)}` });
    const subject = await personToken(downstream, "openid api:read");
    await expectOAuthError(await exchange(subject, { serverId: upstream.id, extra: { audience: upstream.audience, scope: scope.name } }), 400, "access_denied", UNTRUSTED);
  });

  it("answers invalid_grant for an expired subject token", async () => {
    const t0 = freezeTime();
    const subject = await personToken(upstream);
    freezeTime(t0 + 3601_000);
    await expectOAuthError(await exchange(subject), 400, "invalid_grant", EXPIRED);
  });

  it("answers invalid_grant for a revoked subject token", async () => {
    const subject = await personToken(upstream);
    expect((await oauthPost(upstream.id, "revoke", { token: subject }, asBasic(web))).status).toBe(200);
    await expectOAuthError(await exchange(subject), 400, "invalid_grant", EXPIRED);
  });

  // The verifier does not say why it refused a token, and guessing from unverified claims would let a forged token
  // ask whether a person is active: the generic wording.
  it("answers invalid_request when the person was suspended", async () => {
    const p = await createPerson();
    const app = await appFor(p);
    const subject = (await tokensFor(upstream.id, app, p, { extra: { scope: "openid" } })).access_token;
    await userLifecycle(p.id, "suspend");
    await expectOAuthError(await exchange(subject), 400, "invalid_request", INVALID);
  });

  it("answers invalid_request for a client's own token: there is no person to act for", async () => {
    const server = await peopleServer({ scopes: [{ name: "svc" }], rule: { grantTypes: ["client_credentials", "authorization_code"] } });
    await admin(`/authorizationServers/${downstream.id}/associatedServers`, { method: "POST", json: { trusted: [server.id] } });
    await expectOAuthError(await exchange(await mintToken(server.id, service, "svc")), 400, "invalid_request", INVALID);
  });

  describe.each([
    ["a subject token that is not a JWT", { subject_token: "not-a-jwt" }, "invalid_request", INVALID],
    ["no subject token", { subject_token: undefined }, "invalid_request", "The 'subject_token' parameter is required."],
    ["an ID token type", { subject_token_type: "urn:ietf:params:oauth:token-type:id_token" }, "invalid_request", "'subject_token_type' is invalid or not supported."],
    ["no subject_token_type", { subject_token_type: undefined }, "invalid_request", "'subject_token_type' is invalid or not supported."],
    ["a refresh token requested", { requested_token_type: "urn:ietf:params:oauth:token-type:refresh_token" }, "invalid_request", "'requested_token_type' is invalid or not supported."],
    ["an actor token", { actor_token: "x", actor_token_type: AT }, "invalid_request", "'actor_token' is not supported."],
    ["no audience", { audience: undefined }, "invalid_target", "Token Exchange requests must include a valid audience of the authorization server."],
    ["another audience", { audience: "api://elsewhere" }, "invalid_target", "Token Exchange requests must include a valid audience of the authorization server."],
    ["a resource", { resource: "https://api.example" }, "invalid_target", "'resource' is invalid or not supported."],
    ["openid", { scope: "openid api:read" }, "invalid_scope", "Can't request 'openid' scopes using the Token Exchange flow for a service app."],
    ["offline_access", { scope: "api:read offline_access" }, "invalid_scope", "Can't request 'offline_access' scopes using the Token Exchange flow for a service app."],
    ["an unknown scope", { scope: "api:delete" }, "invalid_scope", "One or more scopes are not configured for the authorization server resource."],
  ])("with %s", (_, extra, error, description) => {
    it(`answers 400 ${error}`, async () => {
      const subject = await personToken(upstream);
      await expectOAuthError(await exchange("subject_token" in extra ? "" : subject, { extra: "subject_token" in extra ? extra : { ...extra } }), 400, error, description);
    });
  });

  it("answers invalid_request for a forged token that names a trusted issuer", async () => {
    const subject = await personToken(upstream);
    const [h, p] = subject.split(".");
    await expectOAuthError(await exchange(`${h}.${p}.${"A".repeat(43)}`), 400, "invalid_request", INVALID);
  });

  it("answers unauthorized_client for a client without the grant", async () => {
    const plain = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
    await expectOAuthError(await exchange("x", { client: plain }), 400, "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].");
  });

  it("answers access_denied when no rule allows the grant", async () => {
    const server = await peopleServer({ scopes: [{ name: "api:read" }], rule: { grantTypes: ["authorization_code"] } });
    const subject = await personToken(server);
    await expectOAuthError(await exchange(subject, { serverId: server.id, extra: { audience: server.audience } }), 400, "access_denied", POLICY_FAILED);
  });

  it("is not served by the org authorization server", async () => {
    const res = await orgPost("token", { grant_type: TE, subject_token: "x", subject_token_type: AT, audience: BASE }, asBasic(service));
    await expectOAuthError(res, 400, "unsupported_grant_type", `'${TE}' grant type is not supported.`);
  });
});
