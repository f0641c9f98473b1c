import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { appBody } from "../support/clients";
import { expectOktaError } from "../support/fixtures";

const DEVICE = "urn:ietf:params:oauth:grant-type:device_code";
const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
const VALIDATION = "Api validation failed: App";

const create = (body: Record<string, any>) => admin("/apps", { method: "POST", json: body });

describe("the apps API and the device and token-exchange grants (Okta)", () => {
  it("accepts a native public client with only the device grant (a device without a browser)", async () => {
    const res = await create(appBody({ application_type: "native", method: "none", grant_types: [DEVICE, "refresh_token"] }));
    const app = (await res.json()) as Record<string, any>;
    expect(res.status, JSON.stringify(app)).toBe(201);
    expect(app.settings.oauthClient.grant_types).toEqual([DEVICE, "refresh_token"]);
    expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe("none");
  });

  it("accepts a native client with the code and device grants", async () => {
    const res = await create(appBody({ application_type: "native", method: "none", grant_types: ["authorization_code", DEVICE], redirect_uris: ["com.example:/cb"] }));
    expect(res.status).toBe(201);
  });

  it("accepts a service app with token exchange", async () => {
    const res = await create(appBody({ application_type: "service", grant_types: ["client_credentials", TE] }));
    expect(res.status).toBe(201);
  });

  it.each([
    ["web", DEVICE, ["authorization_code", DEVICE]],
    ["service", DEVICE, ["client_credentials", DEVICE]],
    ["native", TE, ["authorization_code", TE]],
    ["web", TE, ["authorization_code", TE]],
  ] as const)("refuses a %s app with %s", async (type, grant, grants) => {
    const res = await create(appBody({ application_type: type, grant_types: [...grants], redirect_uris: ["https://app.example/cb"], method: type === "native" ? "none" : "client_secret_basic" }));
    await expectOktaError(res, 400, "E0000001", VALIDATION, [`settings.oauthClient.grant_types: '${grant}' is not allowed for application_type '${type}'`]);
  });

  it("still requires authorization_code of a native app without the device grant", async () => {
    const res = await create(appBody({ application_type: "native", method: "none", grant_types: ["refresh_token"] }));
    await expectOktaError(res, 400, "E0000001", VALIDATION, ["settings.oauthClient.grant_types: 'native' applications require authorization_code"]);
  });
});
