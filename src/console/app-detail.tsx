import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import { AppForm, appBody, formApp, fromApp, SecretOnce, type AppValues } from "./app-forms";
import type { ConsoleEnv } from "./env";
import { ActionButton, Csrf, FormError, Notice, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";

async function detailPage(c: Context<ConsoleEnv>, o: { values?: AppValues; error?: OktaError; assignError?: OktaError; secret?: string } = {}) {
  const id = c.req.param("id")!;
  const [a, users, groups] = await Promise.all([read(c, `/apps/${enc(id)}`), read<any[]>(c, `/apps/${enc(id)}/users?limit=200`), read<any[]>(c, `/apps/${enc(id)}/groups?limit=200`)]);
  const base = `/admin/apps/${enc(id)}`;
  const csrf = c.get("session").csrf;
  const secretMethod = /^client_secret_/.test(a.credentials.oauthClient.token_endpoint_auth_method);
  return render(
    c,
    a.label,
    "apps",
    <>
      <p class="muted" style="margin:0">
        <a href="/admin/apps">Applications</a> /
      </p>
      <h1>
        {a.label} <span class={`status-${a.status}`}>{a.status}</span>
      </h1>
      <Notice text={notice(c)} />
      <SecretOnce app={a} secret={o.secret} />
      <div class="card">
        <h2>General settings</h2>
        <p class="muted">
          Type {a.settings.oauthClient.application_type}; client authentication {a.credentials.oauthClient.token_endpoint_auth_method}.
        </p>
        <AppForm action={base} csrf={csrf} values={o.values ?? fromApp(a)} error={o.error} submit="Save" edit />
      </div>
      <div class="card">
        <h2>Lifecycle</h2>
        {secretMethod && <ActionButton action={`${base}/new-secret`} csrf={csrf} label="Generate new secret" secondary />}
        {a.status === "ACTIVE" ? <ActionButton action={`${base}/deactivate`} csrf={csrf} label="Deactivate" secondary /> : <ActionButton action={`${base}/activate`} csrf={csrf} label="Activate" />}
        <ActionButton action={`${base}/delete`} csrf={csrf} label="Delete" danger />
        <p class="hint">Okta deletes only an inactive app; deactivate it first.</p>
      </div>
      <div class="card">
        <h2>Assignments</h2>
        <FormError error={o.assignError} fields={[]} />
        <h3>Groups</h3>
        <ul>
          {groups.map((g) => (
            <li>
              <code>{g.id}</code> <ActionButton action={`${base}/groups/${enc(g.id)}/remove`} csrf={csrf} label={`Unassign group ${g.id}`} secondary />
            </li>
          ))}
        </ul>
        <form method="post" action={`${base}/groups`}>
          <Csrf token={csrf} />
          <TextField id="groupId" label="Assign a group (id)" hint="The Everyone group is 00geveryone000000000." />
          <button type="submit" class="secondary">
            Assign group
          </button>
        </form>
        <h3>People</h3>
        <ul>
          {users.map((u) => (
            <li>
              {u.credentials?.userName ?? u.id} <span class="muted">({u.scope})</span>{" "}
              {u.scope === "USER" && <ActionButton action={`${base}/users/${enc(u.id)}/remove`} csrf={csrf} label={`Unassign ${u.credentials?.userName ?? u.id}`} secondary />}
            </li>
          ))}
        </ul>
        <form method="post" action={`${base}/users`}>
          <Csrf token={csrf} />
          <TextField id="userId" label="Assign a person (login or id)" />
          <button type="submit" class="secondary">
            Assign person
          </button>
        </form>
      </div>
    </>,
    o.error || o.assignError ? 400 : 200,
  );
}

export const appDetail = new Hono<ConsoleEnv>()
  .get("/:id", (c) => detailPage(c))
  .post("/:id", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const current = await read(c, `/apps/${enc(id)}`);
    const r = await api(c, "PUT", `/apps/${enc(id)}`, appBody(f, current));
    if (!r.ok) return detailPage(c, { values: formApp(f), error: r.error });
    return done(c, `/admin/apps/${enc(id)}`, "saved");
  })
  .post("/:id/new-secret", async (c) => {
    const a = await read(c, `/apps/${enc(c.req.param("id"))}`);
    const r = await api(c, "POST", `/oauth2/v1/clients/${enc(a.credentials.oauthClient.client_id)}/lifecycle/newSecret`);
    if (!r.ok) return detailPage(c, { error: r.error });
    return detailPage(c, { secret: r.body.client_secret });
  })
  .post("/:id/:action{activate|deactivate}", async (c) => {
    const { id, action } = c.req.param();
    const r = await api(c, "POST", `/apps/${enc(id)}/lifecycle/${action}`);
    if (!r.ok) return detailPage(c, { error: r.error });
    return done(c, `/admin/apps/${enc(id)}`, `${action}d`);
  })
  .post("/:id/delete", async (c) => {
    const r = await api(c, "DELETE", `/apps/${enc(c.req.param("id"))}`);
    if (!r.ok) return detailPage(c, { error: r.error });
    return done(c, "/admin/apps", "deleted");
  })
  .post("/:id/groups", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const r = await api(c, "PUT", `/apps/${enc(id)}/groups/${enc(f.get("groupId") ?? "")}`, {});
    if (!r.ok) return detailPage(c, { assignError: r.error });
    return done(c, `/admin/apps/${enc(id)}`, "assigned");
  })
  .post("/:id/groups/:gid/remove", async (c) => {
    const { id, gid } = c.req.param();
    const r = await api(c, "DELETE", `/apps/${enc(id)}/groups/${enc(gid)}`);
    if (!r.ok) return detailPage(c, { assignError: r.error });
    return done(c, `/admin/apps/${enc(id)}`, "unassigned");
  })
  .post("/:id/users", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const who = (f.get("userId") ?? "").trim();
    // The assignment takes a user id; a login is looked up through the same API first.
    const found = who ? await api(c, "GET", `/users/${enc(who)}`) : null;
    const userId = found?.ok ? found.body.id : who;
    const r = await api(c, "POST", `/apps/${enc(id)}/users`, { id: userId, scope: "USER" });
    if (!r.ok) return detailPage(c, { assignError: r.error });
    return done(c, `/admin/apps/${enc(id)}`, "assigned");
  })
  .post("/:id/users/:uid/remove", async (c) => {
    const { id, uid } = c.req.param();
    const r = await api(c, "DELETE", `/apps/${enc(id)}/users/${enc(uid)}`);
    if (!r.ok) return detailPage(c, { assignError: r.error });
    return done(c, `/admin/apps/${enc(id)}`, "unassigned");
  });
