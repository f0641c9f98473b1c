import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { appBody } from "../support/clients";
import { expectOktaError } from "../support/fixtures";

/** Security finding 3: only redirect URIs an authorization response can safely go to (RFC 8252, RFC 9700 4.1.3). */

const create = (application_type: string, redirect_uris: string[], extra: Record<string, unknown> = {}) => {
  const body = appBody({ grant_types: ["authorization_code"], redirect_uris }) as Record<string, any>;
  body.settings.oauthClient.application_type = application_type;
  if (application_type === "native") body.credentials.oauthClient = { token_endpoint_auth_method: "none" };
  Object.assign(body.settings.oauthClient, extra);
  return admin("/apps", { method: "POST", json: body });
};

const HTTP = "http is allowed only to a loopback host (localhost, 127.0.0.1, [::1]); use https";
const SCHEME = "must use https, http to a loopback host, or (native applications) a private-use scheme such as com.example.app";
const NATIVE_ONLY = "a private-use URI scheme is allowed only for native applications";

describe("redirect_uris", () => {
  it.each([
    ["web", "javascript:alert(document.domain)//", SCHEME],
    ["web", "data:text/html,<script>alert(1)</script>", SCHEME],
    ["web", "file:///etc/passwd", SCHEME],
    ["web", "http://attacker.example/cb", HTTP],
    ["web", "http://10.0.0.5/cb", HTTP],
    ["web", "com.example.app:/callback", NATIVE_ONLY],
    ["native", "myapp:/callback", SCHEME],
    ["native", "http://attacker.example/cb", HTTP],
  ])("refuses a %s app's %s with 400 E0000001 naming the field", async (type, uri, why) => {
    await expectOktaError(await create(type, [uri]), 400, "E0000001", "Api validation failed: App", [`settings.oauthClient.redirect_uris.0: ${why}`]);
  });

  it.each([
    ["web", "https://app.example/cb"],
    ["web", "http://localhost:8080/cb"],
    ["web", "http://127.0.0.1:3000/cb"],
    ["native", "http://[::1]:5000/cb"],
    ["native", "com.example.app:/callback"],
  ])("accepts a %s app's %s", async (type, uri) => {
    const res = await create(type, [uri]);
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("applies the same rules to post_logout_redirect_uris", async () => {
    await expectOktaError(await create("web", ["https://app.example/cb"], { post_logout_redirect_uris: ["javascript:alert(1)"] }), 400, "E0000001", "Api validation failed: App", [
      `settings.oauthClient.post_logout_redirect_uris.0: ${SCHEME}`,
    ]);
  });
});
