import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair } from "jose";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, startStaticServer, type RunningBrowser, type StaticServer } from "./support/browser";
import { uniqueName } from "./support/okta";
import { createdJson, signInAt } from "./support/sign-in";

// Issue 15 with real clients: PAR and JAR through openid-client and Chromium on the hosted sign-in page, DPoP through
// oauth4webapi (client_credentials, the code flow, refresh, userinfo), and openid-client's RFC 9207 iss check.
const baseUrl = inject("baseUrl");
const PASSWORD = "Correct-Horse-7-battery";
const insecure = { execute: [client.allowInsecureRequests] };
const allowHttp = { [oauth.allowInsecureRequests]: true } as const;
const BROWSER_TEST_MS = 90_000;

let issuer: string;
let email: string;
let userId: string;
let callback: StaticServer;
let redirectUri: string;
let web: { clientId: string; clientSecret: string };
let spaClientId: string;
let jarKey: CryptoKeyPair;
let jarClient: { clientId: string; clientSecret: string };
let service: { clientId: string; clientSecret: string };
const browsers: RunningBrowser[] = [];

async function openPage(): Promise<Page> {
  const b = await launchChromium();
  browsers.push(b);
  return b.context.pages()[0] ?? (await b.context.newPage());
}

const webAppBody = (label: string, o: { method?: string; type?: string; grants?: string[]; settings?: object } = {}) => ({
  name: "oidc_client",
  label: uniqueName(label),
  signOnMode: "OPENID_CONNECT",
  credentials: { oauthClient: { token_endpoint_auth_method: o.method ?? "client_secret_basic" } },
  settings: {
    oauthClient: {
      application_type: o.type ?? "web",
      redirect_uris: [redirectUri],
      grant_types: o.grants ?? ["authorization_code", "refresh_token"],
      response_types: ["code"],
      ...o.settings,
    },
  },
});

beforeAll(async () => {
  callback = await startStaticServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Callback received</title></head><body></body></html>`);
  });
  redirectUri = `${callback.origin}/callback`;
  const server = await createdJson("/authorizationServers", { name: uniqueName("hardened"), description: "issue 15", audiences: ["api://hardened"] });
  issuer = `${baseUrl}/oauth2/${server.id}`;
  await createdJson(`/authorizationServers/${server.id}/scopes`, { name: "orders:read" });
  const policy = await createdJson(`/authorizationServers/${server.id}/policies`, {
    type: "OAUTH_AUTHORIZATION_POLICY",
    name: uniqueName("all"),
    description: "all clients",
    conditions: { clients: { include: ["ALL_CLIENTS"] } },
  });
  await createdJson(`/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
    type: "RESOURCE_ACCESS",
    name: "everything",
    conditions: { grantTypes: { include: ["authorization_code", "refresh_token", "client_credentials"] }, scopes: { include: ["*"] } },
  });
  email = `ada.${crypto.randomUUID().slice(0, 8)}@example.com`;
  userId = (await createdJson("/users?activate=true", { profile: { login: email, email, firstName: "Ada", lastName: "Lovelace" }, credentials: { password: { value: PASSWORD } } })).id;

  const webApp = await createdJson("/apps", webAppBody("par web"));
  web = { clientId: webApp.credentials.oauthClient.client_id, clientSecret: webApp.credentials.oauthClient.client_secret };
  const spa = await createdJson("/apps", webAppBody("dpop spa", { method: "none", type: "browser", settings: { dpop_bound_access_tokens: true } }));
  spaClientId = spa.credentials.oauthClient.client_id;
  jarKey = (await generateKeyPair("ES256", { extractable: true })) as CryptoKeyPair;
  const jarApp = await createdJson("/apps", webAppBody("jar web", { settings: { jwks: { keys: [{ ...(await exportJWK(jarKey.publicKey)), kid: "jar-1", alg: "ES256", use: "sig" }] } } }));
  jarClient = { clientId: jarApp.credentials.oauthClient.client_id, clientSecret: jarApp.credentials.oauthClient.client_secret };
  // Registered through dynamic client registration, which is the same object the apps API manages.
  const registered = await fetch(`${baseUrl}/oauth2/v1/clients`, {
    method: "POST",
    headers: { Authorization: `SSWS ${inject("adminToken")}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ client_name: uniqueName("dpop service"), application_type: "service", grant_types: ["client_credentials"], response_types: ["token"], dpop_bound_access_tokens: true }),
  });
  expect(registered.status).toBe(201);
  const svc = (await registered.json()) as { client_id: string; client_secret: string };
  service = { clientId: svc.client_id, clientSecret: svc.client_secret };
  for (const app of [webApp, spa, jarApp]) await createdJson(`/apps/${app.id}/users`, { id: userId });
});

afterAll(async () => {
  await Promise.allSettled([...browsers.map((b) => b.close()), callback?.close()]);
});

/** Retries once when the server asks for a DPoP nonce (Okta always does); oauth4webapi's handle keeps the nonce. */
async function withNonce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (oauth.isDPoPNonceError(err)) return attempt();
    throw err;
  }
}

describe("DPoP with oauth4webapi (RFC 9449)", () => {
  let as: oauth.AuthorizationServer;
  beforeAll(async () => {
    as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: "oidc", ...allowHttp }));
    expect(as).toMatchObject({ dpop_signing_alg_values_supported: expect.arrayContaining(["ES256"]), authorization_response_iss_parameter_supported: true });
  });

  it("gets a DPoP-bound client_credentials token for a client registered with dpop_bound_access_tokens", async () => {
    const c: oauth.Client = { client_id: service.clientId };
    const keyPair = await oauth.generateKeyPair("ES256");
    const DPoP = oauth.DPoP(c, keyPair);
    const tokens = await withNonce(async () =>
      oauth.processClientCredentialsResponse(as, c, await oauth.clientCredentialsGrantRequest(as, c, oauth.ClientSecretBasic(service.clientSecret), new URLSearchParams({ scope: "orders:read" }), { DPoP, ...allowHttp })),
    );
    expect(tokens.token_type).toBe("dpop");
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)) });
    // Without a proof the same client is refused (Okta's wording).
    const plain = await oauth.clientCredentialsGrantRequest(as, c, oauth.ClientSecretBasic(service.clientSecret), new URLSearchParams({ scope: "orders:read" }), allowHttp);
    expect({ status: plain.status, body: await plain.json() }).toEqual({ status: 400, body: { error: "invalid_dpop_proof", error_description: "The DPoP proof JWT header is missing." } });
  });

  it(
    "runs the code flow with DPoP through Chromium: iss checked, bound tokens, userinfo with a proof, a bound refresh",
    async () => {
      const c: oauth.Client = { client_id: spaClientId };
      const keyPair = await oauth.generateKeyPair("ES256");
      const DPoP = oauth.DPoP(c, keyPair);
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: c.client_id,
        redirect_uri: redirectUri,
        response_type: "code",
        scope: "openid email offline_access",
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      }).toString();
      const landed = await signInAt(await openPage(), url.href, redirectUri, email, PASSWORD);
      // oauth4webapi requires iss because discovery says authorization_response_iss_parameter_supported.
      const params = oauth.validateAuthResponse(as, c, landed, state);
      const tokens = await withNonce(async () =>
        oauth.processAuthorizationCodeResponse(as, c, await oauth.authorizationCodeGrantRequest(as, c, oauth.None(), params, redirectUri, verifier, { DPoP, ...allowHttp })),
      );
      const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
      expect(tokens.token_type).toBe("dpop");
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt });
      const info = await withNonce(async () => oauth.processUserInfoResponse(as, c, userId, await oauth.userInfoRequest(as, c, tokens.access_token, { DPoP, ...allowHttp })));
      expect(info).toMatchObject({ sub: userId, email });
      // The same token as a plain Bearer: refused with the DPoP challenge.
      const bearer = await fetch(as.userinfo_endpoint!, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(bearer.status).toBe(401);
      expect(bearer.headers.get("www-authenticate")).toMatch(/^DPoP error="invalid_token"/);
      // The refresh token is bound to the key: another key is refused, the right one refreshes.
      const stranger = oauth.DPoP(c, await oauth.generateKeyPair("ES256"));
      const refused = await withNonce(async () =>
        oauth.processRefreshTokenResponse(as, c, await oauth.refreshTokenGrantRequest(as, c, oauth.None(), tokens.refresh_token!, { DPoP: stranger, ...allowHttp })),
      ).catch((e) => e);
      expect(refused).toMatchObject({ error: "invalid_grant", error_description: "The refresh token is bound to a different DPoP key." });
      const refreshed = await withNonce(async () =>
        oauth.processRefreshTokenResponse(as, c, await oauth.refreshTokenGrantRequest(as, c, oauth.None(), tokens.refresh_token!, { DPoP, ...allowHttp })),
      );
      expect(decodeJwt(refreshed.access_token).cnf).toEqual({ jkt });
    },
    BROWSER_TEST_MS,
  );
});

describe("PAR and JAR with openid-client, through Chromium on the hosted page", () => {
  it(
    "signs in at the URL buildAuthorizationUrlWithPAR returns (RFC 9126: 201 from /v1/par), and checks iss",
    async () => {
      const config = await client.discovery(new URL(issuer), web.clientId, undefined, client.ClientSecretBasic(web.clientSecret), insecure);
      expect(config.serverMetadata()).toMatchObject({ pushed_authorization_request_endpoint: `${issuer}/v1/par`, authorization_response_iss_parameter_supported: true });
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = await client.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: redirectUri,
        scope: "openid email",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
      expect([...url.searchParams.keys()].sort()).toEqual(["client_id", "request_uri"]);
      expect(url.searchParams.get("request_uri")).toMatch(/^urn:ietf:params:oauth:request_uri:/);
      const landed = await signInAt(await openPage(), url.href, redirectUri, email, PASSWORD);
      expect(landed.searchParams.get("iss")).toBe(issuer);

      // openid-client's RFC 9207 check: a response naming another issuer is refused before the code is used.
      const forged = new URL(landed);
      forged.searchParams.set("iss", `${baseUrl}/oauth2/default`);
      const issRefusal = (callbackUrl: URL) =>
        client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }).then(
          () => "accepted",
          (e: { cause?: { message?: string } }) => e.cause?.message,
        );
      expect(await issRefusal(forged)).toBe('unexpected "iss" (issuer) response parameter value');
      const withoutIss = new URL(landed);
      withoutIss.searchParams.delete("iss");
      expect(await issRefusal(withoutIss)).toBe('response parameter "iss" (issuer) missing');

      const tokens = await client.authorizationCodeGrant(config, landed, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      expect(tokens.claims()).toMatchObject({ iss: issuer, sub: userId, nonce, email });
      // The request_uri was single-use: the same URL now gets an error page.
      const again = await fetch(url.href, { redirect: "manual" });
      expect(again.status).toBe(400);
      expect(await again.text()).toContain("invalid_request_uri");
    },
    BROWSER_TEST_MS,
  );

  it(
    "signs in at the URL buildAuthorizationUrlWithJAR returns (a request object signed with the client's registered key)",
    async () => {
      const config = await client.discovery(new URL(issuer), jarClient.clientId, undefined, client.ClientSecretBasic(jarClient.clientSecret), insecure);
      expect(config.serverMetadata().request_object_signing_alg_values_supported).toContain("ES256");
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = await client.buildAuthorizationUrlWithJAR(
        config,
        { redirect_uri: redirectUri, scope: "openid email", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state, nonce },
        { key: jarKey.privateKey, kid: "jar-1" },
      );
      expect([...url.searchParams.keys()].sort()).toEqual(["client_id", "request"]);
      const landed = await signInAt(await openPage(), url.href, redirectUri, email, PASSWORD);
      const tokens = await client.authorizationCodeGrant(config, landed, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      expect(tokens.claims()).toMatchObject({ iss: issuer, sub: userId, nonce });
      // And JAR inside PAR: the signed object pushed, then the request_uri.
      const v2 = client.randomPKCECodeVerifier();
      const s2 = client.randomState();
      const jar = await client.buildAuthorizationUrlWithJAR(
        config,
        { redirect_uri: redirectUri, scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(v2), code_challenge_method: "S256", state: s2 },
        { key: jarKey.privateKey, kid: "jar-1" },
      );
      const pushed = await client.buildAuthorizationUrlWithPAR(config, jar.searchParams);
      const res = await fetch(pushed.href, { redirect: "manual" });
      expect(res.status).toBe(200); // a fresh client with no session: the sign-in page
    },
    BROWSER_TEST_MS,
  );
});
