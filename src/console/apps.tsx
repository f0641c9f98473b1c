import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import { AppForm, appBody, formApp, SecretOnce, type AppValues } from "./app-forms";
import { appDetail } from "./app-detail";
import type { ConsoleEnv } from "./env";
import { Notice } from "./form";
import { done, enc, form, notice, render } from "./render";

async function listPage(c: Context<ConsoleEnv>) {
  const q = c.req.query("q") ?? "";
  const list: any[] = await read(c, `/apps?limit=200${q ? `&q=${enc(q)}` : ""}`);
  return render(
    c,
    "Applications",
    "apps",
    <>
      <h1>Applications</h1>
      <Notice text={notice(c)} />
      <div class="card">
        <form method="get" action="/admin/apps" role="search">
          <label for="q">Search by name</label>
          <input id="q" name="q" type="search" value={q} />
          <button type="submit" class="secondary">
            Search
          </button>
          <a class="button" href="/admin/apps/new">
            Create app integration
          </a>
        </form>
      </div>
      <div class="card">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client ID</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr>
                <td>
                  <a href={`/admin/apps/${enc(a.id)}`}>{a.label}</a>
                </td>
                <td>
                  <code>{a.credentials.oauthClient.client_id}</code>
                </td>
                <td>{a.settings.oauthClient.application_type}</td>
                <td class={`status-${a.status}`}>{a.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>,
  );
}

function newPage(c: Context<ConsoleEnv>, values: AppValues, error?: OktaError) {
  return render(
    c,
    "Create app integration",
    "apps",
    <>
      <h1>Create app integration (OpenID Connect)</h1>
      <div class="card">
        <AppForm action="/admin/apps/new" csrf={c.get("session").csrf} values={values} error={error} submit="Create" />
      </div>
    </>,
    error ? 400 : 200,
  );
}

export const appPages = new Hono<ConsoleEnv>()
  .get("/", listPage)
  .get("/new", (c) => newPage(c, { application_type: "web", token_endpoint_auth_method: "client_secret_basic", grant_types: ["authorization_code"] }))
  .post("/new", async (c) => {
    const f = await form(c);
    const r = await api(c, "POST", "/apps", appBody(f));
    if (!r.ok) return newPage(c, formApp(f), r.error);
    const app = r.body;
    return render(
      c,
      `${app.label} created`,
      "apps",
      <>
        <h1>{app.label} created</h1>
        <SecretOnce app={app} secret={app.credentials.oauthClient.client_secret} />
        <p>
          <a class="button" href={`/admin/apps/${enc(app.id)}`}>
            Continue to {app.label}
          </a>
        </p>
      </>,
      201,
    );
  })
  .route("/", appDetail);
