import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeProtectedHeader } from "jose";
import { LOG_DIR, makeTempState, randomSecret, randomToken, startServer, type RunningServer } from "../support/server";

/**
 * The end-to-end parts of `npm run reliability`, against a real `wrangler dev` (workerd) on a state folder of its
 * own: workerd restarted between requests and in the middle of a key rotation (keys_lost), and the soak — a mixed
 * load of tokens, refreshes, introspection, discovery, JWKS and admin reads and writes for `soakSeconds`, with
 * workerd's RSS at the start and the end.
 */

export interface E2eFigures {
  restarts: number;
  keys_lost: number;
  soak_seconds: number;
  soak_requests: number;
  soak_errors: number;
  rss_start_mb: number;
  rss_end_mb: number;
  problems: string[];
}

const FORM = "application/x-www-form-urlencoded";
const REDIRECT = "https://app.example/callback";
const PASSWORD = "Correct-Horse-7-battery";

/** workerd processes among this process's descendants (the servers started here), from /proc. */
function workerdRssKb(): number {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m) (parent.set(Number(d), Number(m[2])), name.set(Number(d), m[1]!));
    } catch {
      // gone
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  let kb = 0;
  for (const [pid, n] of name) {
    if (n !== "workerd" || !mine(pid)) continue;
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    kb += Number(m?.[1] ?? 0);
  }
  return kb;
}

interface World {
  serverId: string;
  audience: string;
  client: { clientId: string; secret: string; id: string };
  login: string;
}

function api(base: string, token: string) {
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

async function provision(server: RunningServer, token: string): Promise<World> {
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

async function form(base: string, path: string, params: Record<string, string>, w: World): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "Content-Type": FORM, Authorization: basic(w.client) }, body: new URLSearchParams(params) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A person's code flow over plain HTTP: authorize, the sign-in form, the redirect, the redemption (no PKCE: a confidential client). */
async function personTokens(base: string, w: World): Promise<{ access_token: string; refresh_token: string }> {
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

async function publishedKids(base: string, serverId: string): Promise<Set<string>> {
  const res = await fetch(`${base}/oauth2/${serverId}/v1/keys`);
  return new Set(((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid));
}

export async function runE2eReliability(o: { soakSeconds: number; restarts: number; log?: (s: string) => void }): Promise<E2eFigures> {
  const log = o.log ?? (() => {});
  const state = makeTempState();
  const adminToken = randomToken();
  const keyEncryptionSecret = randomSecret();
  const options = () => ({ persistDir: state.persistDir, adminToken, keyEncryptionSecret, tempDir: state.dir, logFile: join(LOG_DIR, "reliability-server.log") });
  const f: E2eFigures = { restarts: 0, keys_lost: 0, soak_seconds: 0, soak_requests: 0, soak_errors: 0, rss_start_mb: 0, rss_end_mb: 0, problems: [] };
  let server = await startServer(options());
  try {
    const w = await provision(server, adminToken);
    const a = () => api(server.baseUrl, adminToken);

    // Restarts of workerd: between requests, and right after a keyRotate was sent (in the middle of it, or just after).
    for (let i = 0; i < o.restarts; i++) {
      const before = await publishedKids(server.baseUrl, w.serverId);
      let rotation: Promise<unknown> = Promise.resolve();
      if (i % 2 === 1) {
        // One rotation that completes (so EXPIRED keys are among those that must survive), one still in flight.
        const done = await a()(`/authorizationServers/${w.serverId}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } });
        if (done.status !== 200) f.problems.push(`restart ${i}: keyRotate answered ${done.status}`);
        before.clear();
        for (const kid of await publishedKids(server.baseUrl, w.serverId)) before.add(kid);
        rotation = a()(`/authorizationServers/${w.serverId}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } }).catch(() => null);
        await new Promise((r) => setTimeout(r, 20));
      }
      await server.stop();
      await rotation;
      server = await startServer(options());
      f.restarts++;
      const after = await publishedKids(server.baseUrl, w.serverId);
      for (const kid of before) if (!after.has(kid)) (f.keys_lost++, f.problems.push(`restart ${i}: ${kid} lost`));
      const keys = (await a()(`/authorizationServers/${w.serverId}/credentials/keys`)).body as { kid: string; status: string }[];
      const active = keys.filter((k) => k.status === "ACTIVE");
      const minted = await form(server.baseUrl, `/oauth2/${w.serverId}/v1/token`, { grant_type: "client_credentials", scope: "orders:read" }, w);
      if (active.length !== 1 || minted.status !== 200) f.problems.push(`restart ${i}: ${active.length} ACTIVE, mint ${minted.status}`);
      else if (decodeProtectedHeader(minted.body.access_token).kid !== active[0]!.kid) (f.keys_lost++, f.problems.push(`restart ${i}: signed with a key that is not ACTIVE`));
      log(`restart ${i + 1}/${o.restarts}: ${after.size} keys published, ${f.keys_lost} lost`);
    }

    // The soak: four workers, each a loop over the mix, for soakSeconds.
    f.rss_start_mb = Math.round(workerdRssKb() / 1024);
    const deadline = Date.now() + o.soakSeconds * 1000;
    const started = Date.now();
    const count = (ok: boolean, what: string) => {
      f.soak_requests++;
      if (!ok) (f.soak_errors++, f.problems.length < 30 && f.problems.push(`soak: ${what}`));
    };
    const base = server.baseUrl;
    const worker = async (n: number) => {
      let person = await personTokens(base, w);
      count(true, "code flow");
      for (let i = 0; Date.now() < deadline; i++) {
        const cc = await form(base, `/oauth2/${w.serverId}/v1/token`, { grant_type: "client_credentials", scope: "orders:read" }, w);
        count(cc.status === 200, `client_credentials ${cc.status}`);
        if (cc.status === 200) {
          const intro = await form(base, `/oauth2/${w.serverId}/v1/introspect`, { token: cc.body.access_token }, w);
          count(intro.status === 200 && intro.body.active === true, `introspect ${intro.status} ${JSON.stringify(intro.body)}`);
        }
        const ref = await form(base, `/oauth2/${w.serverId}/v1/token`, { grant_type: "refresh_token", refresh_token: person.refresh_token }, w);
        count(ref.status === 200, `refresh ${ref.status} ${JSON.stringify(ref.body)}`);
        if (ref.status === 200) person = ref.body;
        const disc = await fetch(`${base}/oauth2/${w.serverId}/.well-known/openid-configuration`);
        await disc.arrayBuffer();
        count(disc.status === 200, `discovery ${disc.status}`);
        const keys = await fetch(`${base}/oauth2/${w.serverId}/v1/keys`);
        await keys.arrayBuffer();
        count(keys.status === 200, `keys ${keys.status}`);
        const read = await a()(`/authorizationServers/${w.serverId}/scopes`);
        count(read.status === 200, `admin read ${read.status}`);
        if (i % 5 === n) {
          const made = await a()(`/authorizationServers/${w.serverId}/scopes`, { method: "POST", json: { name: `soak:${n}:${i}` } });
          count(made.status === 201, `admin write ${made.status} ${JSON.stringify(made.body)}`);
          if (made.status === 201) {
            const gone = await a()(`/authorizationServers/${w.serverId}/scopes/${made.body.id}`, { method: "DELETE" });
            count(gone.status === 204, `admin delete ${gone.status}`);
          }
        }
        if (i % 200 === 0) log(`soak worker ${n}: ${Math.round((Date.now() - started) / 1000)} s, ${f.soak_requests} requests, ${f.soak_errors} errors`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    f.soak_seconds = Math.round((Date.now() - started) / 1000);
    f.rss_end_mb = Math.round(workerdRssKb() / 1024);
  } finally {
    await server.stop();
    state.remove();
  }
  return f;
}
