import type { RunningServer } from "../support/server";

// What the end-to-end reliability parts provision and the plain-HTTP calls they make (restarts and the soak).

const FORM = "application/x-www-form-urlencoded";
const REDIRECT = "https://app.example/callback";
const PASSWORD = "Correct-Horse-7-battery";

export interface World {
  serverId: string;
  audience: string;
  client: { clientId: string; secret: string; id: string };
  login: string;
}

export function api(base: string, token: string) {
  return async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `SSWS ${token}`);
    headers.set("Accept", "application/json");
    if (init.json !== undefined) headers.set("Content-Type", "application/json");
    const res = await fetch(`${base}/api/v1${path}`, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

export async function provision(server: RunningServer, token: string): Promise<World> {
  const a = api(server.baseUrl, token);
  const must = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const audience = `api://soak-${crypto.randomUUID()}`;
  const as = await must(a("/authorizationServers", { method: "POST", json: { name: `soak ${crypto.randomUUID()}`, description: "soak", audiences: [audience], credentials: { signing: { rotationMode: "MANUAL" } } } }));
  await must(a(`/authorizationServers/${as.id}/scopes`, { method: "POST", json: { name: "orders:read" } }));
  const policy = await must(a(`/authorizationServers/${as.id}/policies`, { method: "POST", json: { type: "OAUTH_AUTHORIZATION_POLICY", name: "soak", description: "soak", conditions: { clients: { include: ["ALL_CLIENTS"] } } } }));
  await must(a(`/authorizationServers/${as.id}/policies/${policy.id}/rules`, { method: "POST", json: { type: "RESOURCE_ACCESS", name: "soak", conditions: { grantTypes: { include: ["client_credentials", "authorization_code", "refresh_token"] }, scopes: { include: ["*"] } } } }));
  const app = await must(a("/apps", { method: "POST", json: {
    name: "oidc_client", label: `soak-${crypto.randomUUID()}`, signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
    settings: { oauthClient: { application_type: "web", redirect_uris: [REDIRECT], grant_types: ["authorization_code", "refresh_token", "client_credentials"], response_types: ["code"] } },
  } }));
  const login = `soak-${crypto.randomUUID()}@example.com`;
  const user = await must(a("/users?activate=true", { method: "POST", json: { profile: { login, email: login, firstName: "Soak", lastName: "Test" }, credentials: { password: { value: PASSWORD } } } }));
  await must(a(`/apps/${app.id}/users`, { method: "POST", json: { id: user.id } }));
  return { serverId: as.id, audience, client: { id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret }, login };
}

const basic = (c: World["client"]) => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret)}`).toString("base64")}`;

export async function form(base: string, path: string, params: Record<string, string>, w: World): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "Content-Type": FORM, Authorization: basic(w.client) }, body: new URLSearchParams(params) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A person's code flow over plain HTTP: authorize, the sign-in form, the redirect, the redemption (no PKCE: a confidential client). */
export async function personTokens(base: string, w: World): Promise<{ access_token: string; refresh_token: string }> {
  const q = new URLSearchParams({ client_id: w.client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access orders:read", state: "soak-state", nonce: "soak-nonce" });
  const page = await fetch(`${base}/oauth2/${w.serverId}/v1/authorize?${q}`, { redirect: "manual" });
  const html = await page.text();
  const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)?.[1] ?? "";
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
  const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const signed = await fetch(`${base}${action}`, { method: "POST", redirect: "manual", headers: { "Content-Type": FORM, Cookie: cookies }, body: new URLSearchParams({ tx: field("tx"), csrf: field("csrf"), username: w.login, password: PASSWORD }) });
  await signed.arrayBuffer();
  const code = new URL(signed.headers.get("Location") ?? "http://x/").searchParams.get("code");
  if (!code) throw new Error(`sign-in answered ${signed.status} ${signed.headers.get("Location")}`);
  const r = await form(base, `/oauth2/${w.serverId}/v1/token`, { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, w);
  if (r.status !== 200) throw new Error(`redeem ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

