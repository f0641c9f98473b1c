import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, startStaticServer, type RunningBrowser, type StaticServer } from "./support/browser";
import { oktaClient, uniqueName } from "./support/okta";
import { createdJson } from "./support/sign-in";

// Issue 13 end to end against wrangler dev: a token inline hook also runs for the tokens /authorize issues itself
// (implicit, response_type "id_token token"): a person signs in in a real browser, the hook server on 127.0.0.1
// adds a claim to each token, and both tokens, read from the redirect's fragment, verify with jose against the JWKS.
const { client: okta } = oktaClient();
const PASSWORD = "Correct-Horse-7-battery";
const TEST_MS = 45_000;

describe("a token inline hook on the implicit flow", () => {
  const tag = crypto.randomUUID().slice(0, 8);
  const audience = `api://e2e/implicit-${tag}`;
  const email = `imp.${tag}@example.com`;
  let hookServer: Server;
  let hookUrl: string;
  const calls: any[] = [];
  let callback: StaticServer;
  let browser: RunningBrowser | undefined;
  let issuer: string;
  let clientId: string;

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        calls.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({
          commands: [
            { type: "com.okta.identity.patch", value: [{ op: "add", path: "/claims/member_since", value: "2019" }] },
            { type: "com.okta.access.patch", value: [{ op: "add", path: "/claims/partner_tier", value: "gold" }] },
          ],
        }));
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;
    callback = await startStaticServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Callback received</title></head><body></body></html>');
    });

    const inline = await okta.inlineHookApi.createInlineHook({
      inlineHook: {
        name: uniqueName("implicit hook"),
        type: "com.okta.oauth2.tokens.transform",
        version: "1.0.0",
        channel: { type: "HTTP", version: "1.0.0", config: { uri: `${hookUrl}/token-hook`, method: "POST", authScheme: { type: "HEADER", key: "Authorization", value: `hook-${tag}` } } },
      } as never,
    });
    const server = await createdJson("/authorizationServers", { name: uniqueName("implicit"), description: "e2e implicit hook", audiences: [audience] });
    issuer = server.issuer;
    const policy = await createdJson(`/authorizationServers/${server.id}/policies`, {
      type: "OAUTH_AUTHORIZATION_POLICY", name: "implicit", description: "implicit", priority: 1, conditions: { clients: { include: ["ALL_CLIENTS"] } },
    });
    await createdJson(`/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
      type: "RESOURCE_ACCESS",
      name: "implicit with hook",
      conditions: { grantTypes: { include: ["implicit"] }, scopes: { include: ["*"] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080, inlineHook: { id: inline.id } } },
    });
    const user = await createdJson("/users?activate=true", { profile: { login: email, email, firstName: "Imp", lastName: "Licit" }, credentials: { password: { value: PASSWORD } } });
    const app = await createdJson("/apps", {
      name: "oidc_client",
      label: uniqueName("implicit spa"),
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "none" } },
      settings: { oauthClient: { application_type: "browser", redirect_uris: [`${callback.origin}/callback`], grant_types: ["implicit"], response_types: ["token", "id_token"] } },
    });
    clientId = app.credentials.oauthClient.client_id;
    await createdJson(`/apps/${app.id}/users`, { id: user.id });
  }, TEST_MS);

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), callback?.close(), new Promise((resolve) => hookServer?.close(resolve))]);
  });

  it("puts the hook's claims in the access and ID tokens /authorize returns, both verified against the JWKS", async () => {
    const redirectUri = `${callback.origin}/callback`;
    const nonce = `n-${tag}`;
    const url = new URL(`${issuer}/v1/authorize`);
    for (const [k, v] of Object.entries({ client_id: clientId, redirect_uri: redirectUri, response_type: "id_token token", scope: "openid profile", state: `s-${tag}`, nonce })) url.searchParams.set(k, v);
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    expect((await page.goto(url.href))?.status()).toBe(200);
    await page.getByLabel("Username").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${redirectUri}#`)), page.getByRole("button", { name: "Sign in" }).click()]);
    const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
    expect(fragment.get("state")).toBe(`s-${tag}`);
    const jwks = createRemoteJWKSet(new URL(`${issuer}/v1/keys`));
    const { payload: access } = await jwtVerify(fragment.get("access_token")!, jwks, { issuer, audience });
    expect(access).toMatchObject({ partner_tier: "gold", cid: clientId, sub: email });
    const { payload: id } = await jwtVerify(fragment.get("id_token")!, jwks, { issuer, audience: clientId });
    expect(id).toMatchObject({ member_since: "2019", nonce });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      eventType: "com.okta.oauth2.tokens.transform",
      source: `${issuer}/v1/authorize`,
      data: { context: { protocol: { request: { response_type: "id_token token", client_id: clientId } } }, identity: { claims: { nonce } }, access: { claims: { cid: clientId } } },
    });
  }, TEST_MS);
});
