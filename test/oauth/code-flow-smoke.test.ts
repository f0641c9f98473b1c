import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";

const REDIRECT = "https://app.example/callback";

async function s256(v: string) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(v));
  return btoa(String.fromCharCode(...new Uint8Array(d))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

describe("authorization code flow smoke", () => {
  it("signs a person in, redeems the code with PKCE, refreshes, reads userinfo and logs out", async () => {
    const u = await admin("/users?activate=true", {
      method: "POST",
      json: { profile: { login: "ada@example.com", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" }, credentials: { password: { value: "Correct-Horse-7-battery" } } },
    });
    expect(u.status, await u.clone().text()).toBe(200);
    const user = (await u.json()) as any;
    const a = await admin("/apps", {
      method: "POST",
      json: {
        name: "oidc_client", label: "web", signOnMode: "OPENID_CONNECT",
        credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_post" } },
        settings: { oauthClient: { application_type: "web", redirect_uris: [REDIRECT], post_logout_redirect_uris: ["https://app.example/bye"], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] } },
      },
    });
    const app = (await a.json()) as any;
    const { client_id, client_secret } = app.credentials.oauthClient;
    const assign = await admin(`/apps/${app.id}/users`, { method: "POST", json: { id: user.id } });
    expect([200, 201, 204], await assign.clone().text()).toContain(assign.status);

    const verifier = "v".repeat(20) + crypto.randomUUID() + "x".repeat(10);
    const q = new URLSearchParams({ client_id, redirect_uri: REDIRECT, response_type: "code", scope: "openid profile email offline_access", state: "st1", nonce: "n1", code_challenge: await s256(verifier), code_challenge_method: "S256" });
    const page = await call(`/oauth2/default/v1/authorize?${q}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    const html = await page.text();
    const tx = /name="tx" value="([^"]+)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith("mg_csrf="))!.split(";")[0]!;

    const bad = await call(`/oauth2/default/v1/authorize/signin`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
      body: new URLSearchParams({ tx, csrf, username: "ada@example.com", password: "wrong" }).toString(),
    });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("Unable to sign in");

    const ok = await call(`/oauth2/default/v1/authorize/signin`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
      body: new URLSearchParams({ tx, csrf, username: "ada@example.com", password: "Correct-Horse-7-battery" }).toString(),
    });
    expect(ok.status, `${ok.status} ${ok.headers.get("Location")} ${await ok.clone().text()}`).toBe(302);
    const loc = new URL(ok.headers.get("Location")!);
    expect(loc.searchParams.get("state")).toBe("st1");
    const code = loc.searchParams.get("code")!;
    const sid = ok.headers.getSetCookie().find((c) => c.startsWith("mg_sid="))!.split(";")[0]!;

    const tokenRes = await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id, client_secret }).toString(),
    });
    const tokens = (await tokenRes.json()) as any;
    expect(tokenRes.status, JSON.stringify(tokens)).toBe(200);
    expect(tokens.refresh_token).toBeTruthy();
    const keys = createLocalJWKSet((await (await call("/oauth2/default/v1/keys")).json()) as any);
    const { payload: idt } = await jwtVerify(tokens.id_token, keys, { issuer: "http://mintgate.test/oauth2/default", audience: client_id });
    expect(idt).toMatchObject({ sub: user.id, nonce: "n1", email: "ada@example.com", preferred_username: "ada@example.com", given_name: "Ada" });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ uid: user.id, sub: "ada@example.com" });

    const replay = await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id, client_secret }).toString(),
    });
    expect(replay.status).toBe(400);

    const ui = await call(`/oauth2/default/v1/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(ui.status).toBe(401); // the replay revoked the access token

    // the replay also revoked the refresh family
    const r1 = await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id, client_secret }).toString(),
    });
    expect(r1.status).toBe(400);

    // a second authorize with the session cookie skips the form
    const again = await call(`/oauth2/default/v1/authorize?${q}`, { headers: { Cookie: sid } });
    expect(again.status).toBe(302);
    const code2 = new URL(again.headers.get("Location")!).searchParams.get("code")!;
    const t2 = (await (await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code: code2, redirect_uri: REDIRECT, code_verifier: verifier, client_id, client_secret }).toString(),
    })).json()) as any;
    const ui2 = await call(`/oauth2/default/v1/userinfo`, { headers: { Authorization: `Bearer ${t2.access_token}` } });
    expect(ui2.status).toBe(200);
    expect(await ui2.json()).toMatchObject({ sub: user.id, email: "ada@example.com" });
    const r2 = await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: t2.refresh_token, client_id, client_secret }).toString(),
    });
    const rot = (await r2.json()) as any;
    expect(r2.status, JSON.stringify(rot)).toBe(200);
    expect(rot.refresh_token).not.toBe(t2.refresh_token);
    const reuse = await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: t2.refresh_token, client_id, client_secret }).toString(),
    });
    expect(reuse.status).toBe(400);
    const afterReuse = await call(`/oauth2/default/v1/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: rot.refresh_token, client_id, client_secret }).toString(),
    });
    expect(afterReuse.status).toBe(400);

    const out = await call(`/oauth2/default/v1/logout?${new URLSearchParams({ id_token_hint: t2.id_token, post_logout_redirect_uri: "https://app.example/bye", state: "s2" })}`, { headers: { Cookie: sid } });
    expect(out.status).toBe(302);
    expect(out.headers.get("Location")).toBe("https://app.example/bye?state=s2");
    const none = await call(`/oauth2/default/v1/authorize?${q}&prompt=none`, { headers: { Cookie: sid } });
    expect(new URL(none.headers.get("Location")!).searchParams.get("error")).toBe("login_required");
  });
});
