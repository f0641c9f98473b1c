import { describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";
import { appBody, createApp, type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { NOT_SUPPORTED } from "./body-errors";
import { post } from "./app-fixtures";

describe("app validation", () => {
  const web = { application_type: "web", redirect_uris: ["https://app.example.com/cb"], grant_types: ["authorization_code"] };
  const body = (label: string, method: string, oauthSettings: Json, top: Json = {}) => ({
    name: "oidc_client",
    label,
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: { oauthClient: oauthSettings },
    ...top,
  });

  describe.each<[string, (label: string) => Json, unknown[]]>([
    [
      "a service app with authorization_code",
      (l) => body(l, "client_secret_basic", { application_type: "service", redirect_uris: ["https://a.example/cb"], grant_types: ["client_credentials", "authorization_code"] }),
      ["settings.oauthClient.grant_types: 'authorization_code' is not allowed for application_type 'service'"],
    ],
    [
      "a browser app with a secret method",
      (l) => body(l, "client_secret_post", { ...web, application_type: "browser" }),
      ["credentials.oauthClient.token_endpoint_auth_method: browser applications are public clients and must use 'none'"],
    ],
    [
      "'none' on a web app",
      (l) => body(l, "none", web),
      ["credentials.oauthClient.token_endpoint_auth_method: 'none' is only for browser and native applications"],
    ],
    [
      "private_key_jwt without jwks",
      (l) => body(l, "private_key_jwt", { application_type: "service", grant_types: ["client_credentials"] }),
      ["settings.oauthClient.jwks: private_key_jwt needs the client's public keys"],
    ],
    [
      "a web app without redirect_uris",
      (l) => body(l, "client_secret_basic", { application_type: "web", grant_types: ["authorization_code"] }),
      ["settings.oauthClient.redirect_uris: required for the authorization_code and implicit grant types"],
    ],
    [
      "a redirect_uri with a fragment",
      (l) => body(l, "client_secret_basic", { ...web, redirect_uris: ["https://app.example.com/cb", "https://app.example.com/cb#frag"] }),
      ["settings.oauthClient.redirect_uris.1: must be an absolute URI without a fragment"],
    ],
    [
      "a relative redirect_uri",
      (l) => body(l, "client_secret_basic", { ...web, redirect_uris: ["/cb"] }),
      ["settings.oauthClient.redirect_uris.0: must be an absolute URI without a fragment"],
    ],
    [
      "an unknown grant type",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials", "magic_grant"] }),
      [expect.stringMatching(/^settings\.oauthClient\.grant_types\.1: /)],
    ],
    [
      "no grant types",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: [] }),
      ["settings.oauthClient.grant_types: at least one grant type is required"],
    ],
    [
      "a missing label",
      (l) => {
        const { label: _label, ...rest } = body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] });
        return rest;
      },
      [expect.stringMatching(/^label: /)],
    ],
    [
      "a blank label",
      (l) => ({ ...body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] }), label: "   " }),
      ["label: The field cannot be left blank"],
    ],
    [
      "a name other than oidc_client",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] }, { name: "bookmark" }),
      ['name: only "oidc_client" (OpenID Connect) applications are supported'],
    ],
    [
      "a signOnMode other than OPENID_CONNECT",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] }, { signOnMode: "SAML_2_0" }),
      ['signOnMode: must be "OPENID_CONNECT"'],
    ],
    [
      "a client secret for a private_key_jwt client",
      (l) => ({
        ...body(l, "private_key_jwt", { application_type: "service", grant_types: ["client_credentials"], jwks: { keys: [{ kty: "RSA", n: "AQAB", e: "AQAB" }] } }),
        credentials: { oauthClient: { token_endpoint_auth_method: "private_key_jwt", client_secret: "a-secret-of-enough-length" } },
      }),
      ["credentials.oauthClient.client_secret: 'private_key_jwt' clients have no secret"],
    ],
    [
      "a private JWK in jwks",
      (l) => body(l, "private_key_jwt", { application_type: "service", grant_types: ["client_credentials"], jwks: { keys: [{ kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB" }] } }),
      ["settings.oauthClient.jwks.keys.0: must be a public key (no private members)"],
    ],
  ])("with %s", (_, build, causes) => {
    it("answers 400 E0000001 with a cause naming the field, and creates nothing", async () => {
      const label = `invalid-${crypto.randomUUID()}`;
      const res = await post(build(label));
      expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
      await expectOktaError(res, 400, "E0000001", "Api validation failed: App", causes);
      expect(await (await admin(`/apps?q=${label}`)).json()).toEqual([]);
    });
  });

  it("refuses a client_id that is already in use", async () => {
    const clientId = `dup-${crypto.randomUUID()}`;
    await createApp({ client_id: clientId });
    const label = `dup-${crypto.randomUUID()}`;
    const res = await post(appBody({ client_id: clientId, label }));
    await expectOktaError(res, 400, "E0000001", "Api validation failed: App", ["credentials.oauthClient.client_id: is already in use"]);
    expect(await (await admin(`/apps?q=${label}`)).json()).toEqual([]);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await admin("/apps", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
    await expectOktaError(res, 400, ...NOT_SUPPORTED, ['Content-Type: expected application/json, got "text/plain"']);
  });

  it("refuses requests without an API token", async () => {
    await expectOktaError(await call("/api/v1/apps", { method: "POST", json: appBody() }), 401, "E0000011", "Invalid token provided");
  });
});
