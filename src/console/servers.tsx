import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, Csrf, FormError, Notice, Select, TextArea, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";
import { ServerHeader } from "./server-tabs";

type Server = any;
const FIELDS = ["name", "description", "audiences", "issuerMode", "credentials"];

/** The admin API's AuthorizationServer body from the console's form. */
function serverBody(f: URLSearchParams) {
  return {
    name: f.get("name") ?? "",
    description: f.get("description") || null,
    audiences: [f.get("audience") ?? ""],
    issuerMode: f.get("issuerMode") || undefined,
    credentials: { signing: { rotationMode: f.get("rotationMode") || undefined, alg: f.get("alg") || undefined } },
  };
}

const fromServer = (s: Server) => ({
  name: s.name,
  description: s.description ?? "",
  audience: s.audiences?.[0] ?? "",
  issuerMode: s.issuerMode,
  rotationMode: s.credentials?.signing?.rotationMode ?? "AUTO",
  alg: s.credentials?.signing?.alg ?? "RS256",
});

export function ServerForm(p: { action: string; csrf: string; values: Record<string, string>; error?: OktaError; submit: string }) {
  const v = p.values;
  return (
    <form method="post" action={p.action} novalidate>
      <FormError error={p.error} fields={FIELDS} />
      <Csrf token={p.csrf} />
      <TextField id="name" label="Name" value={v.name} error={p.error} required />
      <TextArea id="description" label="Description" value={v.description} error={p.error} rows={2} />
      <TextField id="audience" label="Audience" value={v.audience} api={["audiences"]} error={p.error} hint="The aud claim of the access tokens, e.g. api://orders" required />
      <Select id="issuerMode" label="Issuer" value={v.issuerMode ?? "ORG_URL"} options={["ORG_URL", "CUSTOM_URL", "DYNAMIC"]} error={p.error} />
      <Select id="rotationMode" label="Signing key rotation" value={v.rotationMode ?? "AUTO"} options={["AUTO", "MANUAL"]} api={["credentials.signing.rotationMode"]} error={p.error} />
      <Select id="alg" label="Signing algorithm" value={v.alg ?? "RS256"} options={["RS256", "ES256", "EdDSA"]} api={["credentials.signing.alg"]} error={p.error} />
      <button type="submit">{p.submit}</button>
    </form>
  );
}

async function listPage(c: Context<ConsoleEnv>) {
  const q = c.req.query("q") ?? "";
  const list: Server[] = await read(c, `/authorizationServers${q ? `?q=${enc(q)}` : ""}`);
  return render(
    c,
    "Authorization servers",
    "servers",
    <>
      <h1>Authorization servers</h1>
      <Notice text={notice(c)} />
      <div class="card">
        <form method="get" action="/admin/authorization-servers" role="search">
          <label for="q">Search by name or audience</label>
          <input id="q" name="q" type="search" value={q} />
          <button type="submit" class="secondary">
            Search
          </button>
          <a class="button" href="/admin/authorization-servers/new">
            Add authorization server
          </a>
        </form>
      </div>
      <div class="card">
        <table>
          <caption class="muted" style="text-align:left">
            {list.length} authorization server{list.length === 1 ? "" : "s"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Audience</th>
              <th scope="col">Issuer</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr>
                <td>
                  <a href={`/admin/authorization-servers/${enc(s.id)}/settings`}>{s.name}</a>
                </td>
                <td>
                  <code>{s.audiences.join(", ")}</code>
                </td>
                <td>
                  <code>{s.issuer}</code>
                </td>
                <td class={`status-${s.status}`}>{s.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>,
  );
}

function newPage(c: Context<ConsoleEnv>, values: Record<string, string>, error?: OktaError) {
  return render(
    c,
    "Add authorization server",
    "servers",
    <>
      <h1>Add authorization server</h1>
      <div class="card">
        <ServerForm action="/admin/authorization-servers/new" csrf={c.get("session").csrf} values={values} error={error} submit="Create" />
      </div>
    </>,
    error ? 400 : 200,
  );
}

export async function settingsPage(c: Context<ConsoleEnv>, values?: Record<string, string>, error?: OktaError) {
  const id = c.req.param("id")!;
  const s: Server = await read(c, `/authorizationServers/${enc(id)}`);
  const base = `/admin/authorization-servers/${enc(id)}`;
  const metadata = `${s.issuer}/.well-known/oauth-authorization-server`;
  const oidc = `${s.issuer}/.well-known/openid-configuration`;
  const csrf = c.get("session").csrf;
  return render(
    c,
    `${s.name} · Settings`,
    "servers",
    <>
      <ServerHeader server={s} tab="settings" />
      <Notice text={notice(c)} />
      <div class="card">
        <h2>Endpoints</h2>
        <dl>
          <dt>Issuer</dt>
          <dd>
            <code>{s.issuer}</code>
          </dd>
          <dt>Metadata</dt>
          <dd>
            <a href={oidc}>{oidc}</a>
            <br />
            <a href={metadata}>{metadata}</a>
          </dd>
          <dt>Keys (JWKS)</dt>
          <dd>
            <a href={`${s.issuer}/v1/keys`}>{`${s.issuer}/v1/keys`}</a>
          </dd>
        </dl>
      </div>
      <div class="card">
        <h2>Edit</h2>
        <ServerForm action={`${base}/settings`} csrf={csrf} values={values ?? fromServer(s)} error={error} submit="Save" />
      </div>
      <div class="card">
        <h2>Status</h2>
        {s.status === "ACTIVE" ? (
          <ActionButton action={`${base}/deactivate`} csrf={csrf} label="Deactivate" secondary />
        ) : (
          <ActionButton action={`${base}/activate`} csrf={csrf} label="Activate" />
        )}
        {s.id !== "default" && <ActionButton action={`${base}/delete`} csrf={csrf} label="Delete" danger />}
        {s.id !== "default" && <p class="hint">Okta deletes only an inactive server; deactivate it first.</p>}
      </div>
    </>,
    error ? 400 : 200,
  );
}

const values = (f: URLSearchParams) => Object.fromEntries(["name", "description", "audience", "issuerMode", "rotationMode", "alg"].map((k) => [k, f.get(k) ?? ""]));

export const servers = new Hono<ConsoleEnv>()
  .get("/", listPage)
  .get("/new", (c) => newPage(c, { issuerMode: "ORG_URL", rotationMode: "AUTO", alg: "RS256" }))
  .post("/new", async (c) => {
    const f = await form(c);
    const r = await api(c, "POST", "/authorizationServers", serverBody(f));
    if (!r.ok) return newPage(c, values(f), r.error);
    return done(c, `/admin/authorization-servers/${enc(r.body.id)}/settings`, "created");
  })
  .get("/:id", (c) => c.redirect(`/admin/authorization-servers/${enc(c.req.param("id"))}/settings`, 302))
  .get("/:id/settings", (c) => settingsPage(c))
  .post("/:id/settings", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const r = await api(c, "PUT", `/authorizationServers/${enc(id)}`, serverBody(f));
    if (!r.ok) return settingsPage(c, values(f), r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/settings`, "saved");
  })
  .post("/:id/:action{activate|deactivate}", async (c) => {
    const id = c.req.param("id");
    const action = c.req.param("action");
    const r = await api(c, "POST", `/authorizationServers/${enc(id)}/lifecycle/${action}`);
    if (!r.ok) return settingsPage(c, undefined, r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/settings`, `${action}d`);
  })
  .post("/:id/delete", async (c) => {
    const id = c.req.param("id");
    const r = await api(c, "DELETE", `/authorizationServers/${enc(id)}`);
    if (!r.ok) return settingsPage(c, undefined, r.error);
    return done(c, "/admin/authorization-servers", "deleted");
  });
