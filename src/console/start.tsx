import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import { CONSOLE_APP_ID } from "./client";
import type { ConsoleEnv } from "./env";
import { Csrf, FormError, TextField } from "./form";
import { form, render } from "./render";

/** The scope the first-run walkthrough adds to `default`: client_credentials needs a custom scope (Okta). */
const FIRST_SCOPE = "mintgate:first";

function Walkthrough(p: { csrf: string; error?: OktaError; label?: string }) {
  return (
    <div class="card">
      <h2>Get a first token</h2>
      <ol>
        <li>Create a service app (machine to machine, client credentials) on the default authorization server.</li>
        <li>Copy its secret: it is shown once.</li>
        <li>Run the curl line shown next to get an access token.</li>
      </ol>
      <form method="post" action="/admin/first-token" novalidate>
        <FormError error={p.error} fields={["label"]} />
        <Csrf token={p.csrf} />
        <TextField id="label" label="App name" value={p.label ?? "My first service"} error={p.error} required />
        <button type="submit">Create app and show curl</button>
      </form>
    </div>
  );
}

async function startPage(c: Context<ConsoleEnv>, error?: OktaError, label?: string) {
  const [servers, apps] = await Promise.all([read<any[]>(c, "/authorizationServers"), read<any[]>(c, "/apps?limit=200")]);
  const own = apps.filter((a) => a.id !== CONSOLE_APP_ID);
  const firstRun = servers.length <= 1 && own.length === 0;
  return render(
    c,
    firstRun ? "Welcome" : "Get started",
    "start",
    <>
      <h1>{firstRun ? "Welcome to Mintgate" : "Get started"}</h1>
      {firstRun ? (
        <p>Nothing is configured yet beyond the default authorization server. Start by creating an app and getting a first token.</p>
      ) : (
        <div class="card">
          <p>
            {servers.length} authorization server{servers.length === 1 ? "" : "s"}, {own.length} application{own.length === 1 ? "" : "s"}.
          </p>
          <ul>
            <li>
              <a href="/admin/authorization-servers">Authorization servers</a>: scopes, claims, access policies, keys and token preview.
            </li>
            <li>
              <a href="/admin/apps">Applications</a>: OIDC clients, secrets, redirect URIs and assignments.
            </li>
            <li>
              <a href="/admin/people">People</a> and <a href="/admin/groups">groups</a>.
            </li>
          </ul>
        </div>
      )}
      <Walkthrough csrf={c.get("session").csrf} error={error} label={label} />
    </>,
    error ? 400 : 200,
  );
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const startPageApp = new Hono<ConsoleEnv>()
  .get("/", (c) => startPage(c))
  .post("/first-token", async (c) => {
    const f = await form(c);
    const label = f.get("label") ?? "";
    // The scope may exist from an earlier run: a duplicate-name error is expected, anything else is shown.
    const scope = await api(c, "POST", "/authorizationServers/default/scopes", { name: FIRST_SCOPE, description: "Created by the console's first-run walkthrough.", consent: "IMPLICIT" });
    if (!scope.ok && !JSON.stringify(scope.error).includes("already")) return startPage(c, scope.error, label);
    const r = await api(c, "POST", "/apps", {
      name: "oidc_client",
      label,
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
      settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"], response_types: ["token"] } },
    });
    if (!r.ok) return startPage(c, r.error, label);
    const server = await read(c, "/authorizationServers/default");
    const id = r.body.credentials.oauthClient.client_id as string;
    const secret = r.body.credentials.oauthClient.client_secret as string;
    const curl = `curl -s -X POST ${shellQuote(`${server.issuer}/v1/token`)} -u ${shellQuote(`${id}:${secret}`)} -d grant_type=client_credentials -d scope=${FIRST_SCOPE}`;
    return render(
      c,
      "Your first token",
      "start",
      <>
        <h1>Your first token</h1>
        <div class="card">
          <p>
            The service app <strong>{r.body.label}</strong> was created. Its secret is shown only this once.
          </p>
          <p>
            Client ID: <code>{id}</code>
          </p>
          <p>
            Client secret: <code id="client-secret">{secret}</code>
          </p>
          <label for="curl">Copy this line into a terminal:</label>
          <textarea id="curl" readonly rows={4}>
            {curl}
          </textarea>
          <p class="hint">The response is JSON with an access_token carrying the scope {FIRST_SCOPE}. Paste it into any JWT decoder to see its claims.</p>
          <p>
            <a href={`/admin/apps/${encodeURIComponent(r.body.id)}`}>Open the app</a> · <a href="/admin/authorization-servers/default/preview">Preview tokens of the default server</a>
          </p>
        </div>
      </>,
      201,
    );
  });
