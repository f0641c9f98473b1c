import OktaJwtVerifier from "@okta/jwt-verifier";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, type RunningBrowser } from "./support/browser";
import { uniqueName } from "./support/okta";
import { createdJson } from "./support/sign-in";

// Issue 14's done-criterion, end to end against wrangler dev: openid-client's device flow with Chromium approving on
// the hosted /activate page, the password grant through openid-client, and a token exchange whose result Okta's
// own verifier library accepts for the downstream audience.
const baseUrl = inject("baseUrl");
const PASSWORD = "Correct-Horse-7-battery";
const DEVICE = "urn:ietf:params:oauth:grant-type:device_code";
const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
const AT = "urn:ietf:params:oauth:token-type:access_token";
// The local server speaks plain http; openid-client refuses it unless told otherwise.
const insecure = { execute: [client.allowInsecureRequests] };

function oidcApp(label: string, type: string, method: string, grantTypes: string[], extra: Record<string, unknown> = {}) {
  return {
    name: "oidc_client",
    label: uniqueName(label),
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: { oauthClient: { application_type: type, grant_types: grantTypes, ...extra } },
  };
}

async function serverWithRule(label: string, audience: string, grantTypes: string[], scopes: string[] = []): Promise<{ id: string; issuer: string }> {
  const server = await createdJson("/authorizationServers", { name: uniqueName(label), description: label, audiences: [audience] });
  for (const name of scopes) await createdJson(`/authorizationServers/${server.id}/scopes`, { name, consent: "IMPLICIT" });
  const policy = await createdJson(`/authorizationServers/${server.id}/policies`, {
    type: "OAUTH_AUTHORIZATION_POLICY", name: "All clients", description: "All clients", priority: 1, conditions: { clients: { include: ["ALL_CLIENTS"] } },
  });
  await createdJson(`/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
    type: "RESOURCE_ACCESS", name: "Grants", priority: 1,
    conditions: { people: { groups: { include: ["EVERYONE"] } }, grantTypes: { include: grantTypes }, scopes: { include: ["*"] } },
  });
  return { id: server.id, issuer: server.issuer };
}

describe("the device, password and token-exchange grants with real clients", () => {
  const tag = crypto.randomUUID().slice(0, 8);
  const email = `kay.${tag}@example.com`;
  const upstreamAudience = `api://e2e/tv-${tag}`;
  const downstreamAudience = `api://e2e/orders-${tag}`;
  let upstream: { id: string; issuer: string };
  let downstream: { id: string; issuer: string };
  let tv: { clientId: string };
  let legacy: { clientId: string; clientSecret: string };
  let service: { clientId: string; clientSecret: string };
  let user: any;
  let browser: RunningBrowser | undefined;

  beforeAll(async () => {
    upstream = await serverWithRule(`tv-${tag}`, upstreamAudience, [DEVICE, "password", "refresh_token"]);
    downstream = await serverWithRule(`orders-${tag}`, downstreamAudience, [TE], ["orders:read"]);
    await createdJson(`/authorizationServers/${downstream.id}/associatedServers`, { trusted: [upstream.id] }).catch(async () => {
      throw new Error("could not associate the servers");
    });
    user = await createdJson("/users?activate=true", { profile: { login: email, email, firstName: "Kay", lastName: "Moss" }, credentials: { password: { value: PASSWORD } } });
    const tvApp = await createdJson("/apps", oidcApp("tv", "native", "none", [DEVICE, "refresh_token"]));
    const legacyApp = await createdJson("/apps", oidcApp("legacy", "web", "client_secret_basic", ["authorization_code", "password"], { redirect_uris: ["https://legacy.example/cb"] }));
    const serviceApp = await createdJson("/apps", oidcApp("orders service", "service", "client_secret_basic", ["client_credentials", TE]));
    for (const app of [tvApp, legacyApp]) await createdJson(`/apps/${app.id}/users`, { id: user.id });
    tv = { clientId: tvApp.credentials.oauthClient.client_id };
    legacy = { clientId: legacyApp.credentials.oauthClient.client_id, clientSecret: legacyApp.credentials.oauthClient.client_secret };
    service = { clientId: serviceApp.credentials.oauthClient.client_id, clientSecret: serviceApp.credentials.oauthClient.client_secret };
  });

  afterAll(async () => {
    await browser?.close();
  });

  it(
    "openid-client's device flow: the person approves on /activate in Chromium, the device's poll gets the tokens",
    async () => {
      const config = await client.discovery(new URL(upstream.issuer), tv.clientId, undefined, client.None(), insecure);
      expect(config.serverMetadata().device_authorization_endpoint).toBe(`${upstream.issuer}/v1/device/authorize`);
      const device = await client.initiateDeviceAuthorization(config, { scope: "openid profile offline_access" });
      expect(device.verification_uri).toBe(`${baseUrl}/activate`);
      expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);

      const polling = client.pollDeviceAuthorizationGrant(config, device);
      browser = await launchChromium();
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(device.verification_uri_complete!);
      expect(await page.getByLabel("Activation code").inputValue()).toBe(device.user_code);
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByLabel("Username").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => page.locator("#user-code").textContent()).toBe(device.user_code);
      await page.getByRole("button", { name: "Allow" }).click();
      await expect.poll(() => page.locator("h1").textContent()).toBe("Device activated");

      const tokens = await polling;
      expect(tokens.scope).toBe("openid profile offline_access");
      expect(tokens.refresh_token).toBeTruthy();
      expect(tokens.claims()).toMatchObject({ iss: upstream.issuer, aud: tv.clientId, sub: user.id, name: "Kay Moss" });
      const verifier = new OktaJwtVerifier({ issuer: upstream.issuer, testing: { disableHttpsCheck: true } });
      const { claims } = await verifier.verifyAccessToken(tokens.access_token, upstreamAudience);
      expect(claims).toMatchObject({ sub: email, uid: user.id, cid: tv.clientId });
      // The refresh token works with openid-client's refresh.
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
    },
    60_000,
  );

  it("openid-client's device flow ends with access_denied when the person denies it", async () => {
    const config = await client.discovery(new URL(upstream.issuer), tv.clientId, undefined, client.None(), insecure);
    const device = await client.initiateDeviceAuthorization(config, { scope: "openid" });
    const polling = client.pollDeviceAuthorizationGrant(config, device).then(
      () => null,
      (err: unknown) => err as client.ResponseBodyError,
    );
    browser ??= await launchChromium();
    const page = await browser.context.newPage();
    // The browser's SSO session from the first test: straight to the confirmation.
    await page.goto(device.verification_uri_complete!);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Device not activated");
    const err = await polling;
    expect(err).toMatchObject({ error: "access_denied" });
  }, 60_000);

  it("the password grant through openid-client", async () => {
    const config = await client.discovery(new URL(upstream.issuer), legacy.clientId, legacy.clientSecret, client.ClientSecretBasic(legacy.clientSecret), insecure);
    expect(config.serverMetadata().grant_types_supported).toContain("password");
    const tokens = await client.genericGrantRequest(config, "password", { username: email, password: PASSWORD, scope: "openid profile" });
    expect(tokens.claims()).toMatchObject({ iss: upstream.issuer, aud: legacy.clientId, sub: user.id, amr: ["pwd"] });
    const wrong = (await client.genericGrantRequest(config, "password", { username: email, password: "nope", scope: "openid" }).catch((e) => e)) as client.ResponseBodyError;
    expect(wrong).toMatchObject({ error: "invalid_grant", error_description: "The credentials provided were invalid." });
  });

  it("a token exchange of the person's token, whose result Okta's verifier accepts for the downstream audience", async () => {
    const legacyConfig = await client.discovery(new URL(upstream.issuer), legacy.clientId, legacy.clientSecret, client.ClientSecretBasic(legacy.clientSecret), insecure);
    const subject = await client.genericGrantRequest(legacyConfig, "password", { username: email, password: PASSWORD, scope: "openid" });
    const config = await client.discovery(new URL(downstream.issuer), service.clientId, service.clientSecret, client.ClientSecretBasic(service.clientSecret), insecure);
    expect(config.serverMetadata().grant_types_supported).toContain(TE);
    const exchanged = await client.genericGrantRequest(config, TE, {
      subject_token: subject.access_token,
      subject_token_type: AT,
      audience: downstreamAudience,
      scope: "orders:read",
    });
    expect(exchanged.issued_token_type).toBe(AT);
    const verifier = new OktaJwtVerifier({ issuer: downstream.issuer, testing: { disableHttpsCheck: true } });
    const { claims } = await verifier.verifyAccessToken(exchanged.access_token, downstreamAudience);
    expect(claims).toMatchObject({ iss: downstream.issuer, aud: downstreamAudience, sub: email, uid: user.id, cid: service.clientId, scp: ["orders:read"] });
    // The upstream audience is not the downstream one: the verifier refuses the original token there.
    await expect(verifier.verifyAccessToken(subject.access_token, downstreamAudience)).rejects.toThrow();
  });
});
