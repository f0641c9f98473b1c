import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, Csrf, FormError, Notice, Select, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";

const FIELDS = ["profile", "credentials"];
/** Okta's lifecycle operations a person's status allows (the admin API decides; these are the buttons offered). */
const ACTIONS: Record<string, string[]> = {
  STAGED: ["activate", "deactivate"],
  PROVISIONED: ["activate", "deactivate"],
  ACTIVE: ["suspend", "deactivate"],
  SUSPENDED: ["unsuspend", "deactivate"],
  DEPROVISIONED: ["activate"],
  // Okta: a LOCKED_OUT person is unlocked (ACTIVE again), or deactivated.
  LOCKED_OUT: ["unlock", "deactivate"],
};
const LABELS: Record<string, string> = { activate: "Activate", deactivate: "Deactivate", suspend: "Suspend", unsuspend: "Unsuspend", unlock: "Unlock" };

async function listPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, error?: OktaError) {
  const q = c.req.query("q") ?? "";
  const list: any[] = await read(c, `/users?limit=200${q ? `&q=${enc(q)}` : ""}`);
  const csrf = c.get("session").csrf;
  return render(
    c,
    "People",
    "people",
    <>
      <h1>People</h1>
      <Notice text={notice(c)} />
      <div class="card">
        <form method="get" action="/admin/people" role="search">
          <label for="q">Search by name, login or email</label>
          <input id="q" name="q" type="search" value={q} />
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
        <table>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Login</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.map((u) => (
              <tr>
                <td>
                  <a href={`/admin/people/${enc(u.id)}`}>{`${u.profile.firstName ?? ""} ${u.profile.lastName ?? ""}`.trim() || u.profile.login}</a>
                </td>
                <td>{u.profile.login}</td>
                <td class={`status-${u.status}`}>{u.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add person</h2>
        <form method="post" action="/admin/people" novalidate>
          <FormError error={error} fields={FIELDS} />
          <Csrf token={csrf} />
          <TextField id="firstName" label="First name" value={values.firstName} api={["profile.firstName"]} error={error} required />
          <TextField id="lastName" label="Last name" value={values.lastName} api={["profile.lastName"]} error={error} required />
          <TextField id="login" label="Username (login)" value={values.login} api={["profile.login"]} error={error} required />
          <TextField id="email" type="email" label="Email" value={values.email} api={["profile.email"]} error={error} required />
          <TextField id="password" type="password" label="Password" api={["credentials.password.value", "credentials"]} error={error} autocomplete="new-password" hint="Optional: at least 8 characters, a lowercase and an uppercase letter, a number, no part of the username." />
          <Select id="activate" label="Activate now" value={values.activate ?? "true"} options={[{ value: "true", label: "Yes" }, { value: "false", label: "No (staged)" }]} />
          <button type="submit">Add person</button>
        </form>
      </div>
    </>,
    error ? 400 : 200,
  );
}

async function personPage(c: Context<ConsoleEnv>, error?: OktaError) {
  const id = c.req.param("id")!;
  const [u, groups] = await Promise.all([read(c, `/users/${enc(id)}`), read<any[]>(c, `/users/${enc(id)}/groups`)]);
  const base = `/admin/people/${enc(id)}`;
  const csrf = c.get("session").csrf;
  return render(
    c,
    u.profile.login,
    "people",
    <>
      <p class="muted" style="margin:0">
        <a href="/admin/people">People</a> /
      </p>
      <h1>
        {`${u.profile.firstName ?? ""} ${u.profile.lastName ?? ""}`.trim()} <span class={`status-${u.status}`}>{u.status}</span>
      </h1>
      <Notice text={notice(c)} />
      <FormError error={error} fields={[]} />
      <div class="card">
        <dl>
          <dt>Login</dt>
          <dd>{u.profile.login}</dd>
          <dt>Email</dt>
          <dd>{u.profile.email}</dd>
          <dt>Id</dt>
          <dd>
            <code>{u.id}</code>
          </dd>
        </dl>
        {(ACTIONS[u.status] ?? []).map((a) => (
          <ActionButton action={`${base}/lifecycle/${a}`} csrf={csrf} label={LABELS[a]!} secondary={a !== "activate" && a !== "unlock"} />
        ))}
        {u.status === "DEPROVISIONED" && <ActionButton action={`${base}/delete`} csrf={csrf} label="Delete" danger />}
      </div>
      <div class="card">
        <h2>Sessions</h2>
        <p class="hint" id="reset-sessions-hint">
          Ends every sign-in session of this person: they must sign in again at every app.
        </p>
        <form method="post" action={`${base}/sessions/reset`}>
          <Csrf token={csrf} />
          <p class="check">
            <input type="checkbox" id="oauthTokens" name="oauthTokens" value="true" />
            <label for="oauthTokens">Also revoke their OAuth tokens (access and refresh tokens)</label>
          </p>
          <button type="submit" class="secondary" aria-describedby="reset-sessions-hint">
            Reset sessions
          </button>
        </form>
      </div>
      <div class="card">
        <h2>Groups</h2>
        <ul>
          {groups.map((g) => (
            <li>
              {g.profile.name}{" "}
              {g.type !== "BUILT_IN" && <ActionButton action={`${base}/groups/${enc(g.id)}/remove`} csrf={csrf} label={`Remove from ${g.profile.name}`} secondary />}
            </li>
          ))}
        </ul>
        <form method="post" action={`${base}/groups`}>
          <Csrf token={csrf} />
          <TextField id="groupId" label="Add to group (id)" />
          <button type="submit" class="secondary">
            Add to group
          </button>
        </form>
      </div>
    </>,
    error ? 400 : 200,
  );
}

export const peoplePages = new Hono<ConsoleEnv>()
  .get("/", (c) => listPage(c))
  .post("/", async (c) => {
    const f = await form(c);
    const password = f.get("password");
    const body = {
      profile: { firstName: f.get("firstName") ?? "", lastName: f.get("lastName") ?? "", login: f.get("login") ?? "", email: f.get("email") ?? "" },
      ...(password ? { credentials: { password: { value: password } } } : {}),
    };
    const r = await api(c, "POST", `/users?activate=${f.get("activate") === "false" ? "false" : "true"}`, body);
    if (!r.ok) return listPage(c, Object.fromEntries([...f].filter(([k]) => k !== "password")), r.error);
    return done(c, `/admin/people/${enc(r.body.id)}`, "created");
  })
  .get("/:id", (c) => personPage(c))
  .post("/:id/lifecycle/:action{activate|deactivate|suspend|unsuspend|unlock}", async (c) => {
    const { id, action } = c.req.param();
    const r = await api(c, "POST", `/users/${enc(id)}/lifecycle/${action}${action === "activate" ? "?sendEmail=false" : ""}`);
    if (!r.ok) return personPage(c, r.error);
    return done(c, `/admin/people/${enc(id)}`, action.endsWith("e") ? `${action}d` : `${action}ed`);
  })
  .post("/:id/sessions/reset", async (c) => {
    const id = c.req.param("id");
    const tokens = (await form(c)).get("oauthTokens") === "true";
    // Okta: DELETE /users/{id}/sessions; oauthTokens=true also revokes the person's OAuth tokens.
    const r = await api(c, "DELETE", `/users/${enc(id)}/sessions${tokens ? "?oauthTokens=true" : ""}`);
    if (!r.ok) return personPage(c, r.error);
    return done(c, `/admin/people/${enc(id)}`, tokens ? "sessions-tokens-reset" : "sessions-reset");
  })
  .post("/:id/delete", async (c) => {
    const r = await api(c, "DELETE", `/users/${enc(c.req.param("id"))}`);
    if (!r.ok) return personPage(c, r.error);
    return done(c, "/admin/people", "deleted");
  })
  .post("/:id/groups", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const r = await api(c, "PUT", `/groups/${enc(f.get("groupId") ?? "")}/users/${enc(id)}`);
    if (!r.ok) return personPage(c, r.error);
    return done(c, `/admin/people/${enc(id)}`, "added");
  })
  .post("/:id/groups/:gid/remove", async (c) => {
    const { id, gid } = c.req.param();
    const r = await api(c, "DELETE", `/groups/${enc(gid)}/users/${enc(id)}`);
    if (!r.ok) return personPage(c, r.error);
    return done(c, `/admin/people/${enc(id)}`, "removed");
  });
