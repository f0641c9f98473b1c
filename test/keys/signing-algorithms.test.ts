import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { admin, call, createServer } from "../support/admin";

async function serviceToken(serverId: string, audience: string) {
  const scope = await admin(`/authorizationServers/${serverId}/scopes`, { method: "POST", json: { name: "svc:read" } });
  expect(scope.status).toBe(201);
  const policy = (await (await admin(`/authorizationServers/${serverId}/policies`, {
    method: "POST", json: { name: "p", description: "p", conditions: { clients: { include: ["ALL_CLIENTS"] } } },
  })).json()) as any;
  const rule = await admin(`/authorizationServers/${serverId}/policies/${policy.id}/rules`, {
    method: "POST", json: { type: "RESOURCE_ACCESS", name: "r", conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } } },
  });
  expect(rule.status).toBe(201);
  const app = (await (await admin("/apps", {
    method: "POST",
    json: { name: "oidc_client", label: "svc", signOnMode: "OPENID_CONNECT", settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"] } } },
  })).json()) as any;
  const { client_id, client_secret } = app.credentials.oauthClient;
  const res = await call(`/oauth2/${serverId}/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${client_id}:${client_secret}`)}` },
    body: "grant_type=client_credentials&scope=svc:read",
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as any).access_token as string;
}

describe.each([
  ["ES256", "EC", { crv: "P-256" }],
  ["EdDSA", "OKP", { crv: "Ed25519" }],
] as const)("a server that signs with %s", (alg, kty, members) => {
  it("publishes its key as that type, advertises the algorithm, and signs tokens that verify", async () => {
    const s = await createServer({ audiences: [`api://${alg}`], credentials: { signing: { alg } } });
    expect(s.credentials.signing.alg).toBe(alg);
    const jwks = (await (await call(`/oauth2/${s.id}/v1/keys`)).json()) as any;
    expect(jwks.keys[0]).toMatchObject({ kty, alg, use: "sig", kid: s.credentials.signing.kid, ...members });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    const doc = (await (await call(`/oauth2/${s.id}/.well-known/openid-configuration`)).json()) as any;
    expect(doc.id_token_signing_alg_values_supported).toEqual([alg]);
    const token = await serviceToken(s.id, `api://${alg}`);
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: s.credentials.signing.kid });
    await jwtVerify(token, createLocalJWKSet(jwks), { issuer: s.issuer, audience: `api://${alg}`, algorithms: [alg] });
  });
});

describe("changing a server's signing algorithm", () => {
  it("signs with a key of the new algorithm at once and keeps the old key published", async () => {
    const s = await createServer({ audiences: ["api://switch"] });
    const old = s.credentials.signing.kid;
    const put = await admin(`/authorizationServers/${s.id}`, {
      method: "PUT",
      json: { name: s.name, audiences: s.audiences, credentials: { signing: { alg: "ES256" } } },
    });
    const updated = (await put.json()) as any;
    expect(put.status).toBe(200);
    expect(updated.credentials.signing).toMatchObject({ alg: "ES256" });
    expect(updated.credentials.signing.kid).not.toBe(old);
    const keys = (await (await admin(`/authorizationServers/${s.id}/credentials/keys`)).json()) as any[];
    expect(keys.find((k) => k.status === "ACTIVE")).toMatchObject({ kty: "EC", alg: "ES256", kid: updated.credentials.signing.kid });
    expect(keys.find((k) => k.kid === old)).toMatchObject({ status: "EXPIRED", kty: "RSA" });
  });
});
