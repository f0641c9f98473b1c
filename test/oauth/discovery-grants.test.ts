import { describe, expect, it } from "vitest";
import { BASE, call } from "../support/admin";
import { GRANTS } from "../../src/oauth/grants";
import { expectOAuthError, oauthPost } from "../support/clients";

const DEVICE = "urn:ietf:params:oauth:grant-type:device_code";
const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ALL = ["authorization_code", "implicit", "client_credentials", "refresh_token", "password", DEVICE, TE];

async function metadata(path: string): Promise<Record<string, any>> {
  const res = await call(path);
  expect(res.status).toBe(200);
  return res.json();
}

describe("discovery lists exactly the grants and endpoints served", () => {
  it.each(["/oauth2/default/.well-known/openid-configuration", "/oauth2/default/.well-known/oauth-authorization-server"])("%s", async (path) => {
    const doc = await metadata(path);
    expect(doc.grant_types_supported).toEqual(["authorization_code", "implicit", "client_credentials", "refresh_token", "password", DEVICE, TE]);
    expect(doc.device_authorization_endpoint).toBe(`${BASE}/oauth2/default/v1/device/authorize`);
  });

  it("has the org server list the device grant but not token exchange, which it does not serve", async () => {
    const doc = await metadata("/.well-known/openid-configuration");
    expect(doc.grant_types_supported).toEqual(ALL.filter((g) => g !== TE));
    expect(doc.device_authorization_endpoint).toBe(`${BASE}/oauth2/v1/device/authorize`);
  });

  it("lists every grant of the token endpoint's registry, and implicit, nothing else", async () => {
    const doc = await metadata("/oauth2/default/.well-known/openid-configuration");
    expect([...doc.grant_types_supported].sort()).toEqual([...GRANTS.keys(), "implicit"].sort());
  });

  it("names exactly the registry when grant_type is missing", async () => {
    await expectOAuthError(
      await oauthPost("default", "token", { scope: "x" }),
      400,
      "invalid_request",
      `The token request must specify a 'grant_type'. Valid values: [authorization_code, client_credentials, refresh_token, password, ${DEVICE}, ${TE}]`,
    );
  });
});
