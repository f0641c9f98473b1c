import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, Csrf, FormError, Notice, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";

async function listPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, error?: OktaError) {
  const q = c.req.query("q") ?? "";
  const list: any[] = await read(c, `/groups?limit=200${q ? `&q=${enc(q)}` : ""}`);
  return render(
    c,
    "Groups",
    "groups",
    <>
      <h1>Groups</h1>
      <Notice text={notice(c)} />
      <div class="card">
        <form method="get" action="/admin/groups" role="search">
          <label for="q">Search by name</label>
          <input id="q" name="q" type="search" value={q} />
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {list.map((g) => (
              <tr>
                <td>
                  <a href={`/admin/groups/${enc(g.id)}`}>{g.profile.name}</a>
                </td>
                <td>
                  <code>{g.id}</code>
                </td>
                <td>{g.profile.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add group</h2>
        <form method="post" action="/admin/groups" novalidate>
          <FormError error={error} fields={["profile"]} />
          <Csrf token={c.get("session").csrf} />
          <TextField id="name" label="Name" value={values.name} api={["profile.name"]} error={error} required />
          <TextField id="description" label="Description" value={values.description} api={["profile.description"]} error={error} />
          <button type="submit">Add group</button>
        </form>
      </div>
    </>,
    error ? 400 : 200,
  );
}

async function groupPage(c: Context<ConsoleEnv>, error?: OktaError) {
  const id = c.req.param("id")!;
  const [g, members] = await Promise.all([read(c, `/groups/${enc(id)}`), read<any[]>(c, `/groups/${enc(id)}/users?limit=200`)]);
  const base = `/admin/groups/${enc(id)}`;
  const csrf = c.get("session").csrf;
  const builtIn = g.type === "BUILT_IN";
  return render(
    c,
    g.profile.name,
    "groups",
    <>
      <p class="muted" style="margin:0">
        <a href="/admin/groups">Groups</a> /
      </p>
      <h1>{g.profile.name}</h1>
      <Notice text={notice(c)} />
      <FormError error={error} fields={[]} />
      <div class="card">
        <h2>Members</h2>
        <ul>
          {members.map((u) => (
            <li>
              <a href={`/admin/people/${enc(u.id)}`}>{u.profile.login}</a>{" "}
              {!builtIn && <ActionButton action={`${base}/members/${enc(u.id)}/remove`} csrf={csrf} label={`Remove ${u.profile.login}`} secondary />}
            </li>
          ))}
        </ul>
        {!builtIn && (
          <form method="post" action={`${base}/members`}>
            <Csrf token={csrf} />
            <TextField id="userId" label="Add a person (login or id)" />
            <button type="submit" class="secondary">
              Add member
            </button>
          </form>
        )}
      </div>
      {!builtIn && (
        <div class="card">
          <ActionButton action={`${base}/delete`} csrf={csrf} label="Delete group" danger />
        </div>
      )}
    </>,
    error ? 400 : 200,
  );
}

export const groupPages = new Hono<ConsoleEnv>()
  .get("/", (c) => listPage(c))
  .post("/", async (c) => {
    const f = await form(c);
    const r = await api(c, "POST", "/groups", { profile: { name: f.get("name") ?? "", description: f.get("description") || undefined } });
    if (!r.ok) return listPage(c, Object.fromEntries(f), r.error);
    return done(c, `/admin/groups/${enc(r.body.id)}`, "created");
  })
  .get("/:id", (c) => groupPage(c))
  .post("/:id/members", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const who = (f.get("userId") ?? "").trim();
    const found = who ? await api(c, "GET", `/users/${enc(who)}`) : null;
    const r = await api(c, "PUT", `/groups/${enc(id)}/users/${enc(found?.ok ? found.body.id : who)}`);
    if (!r.ok) return groupPage(c, r.error);
    return done(c, `/admin/groups/${enc(id)}`, "added");
  })
  .post("/:id/members/:uid/remove", async (c) => {
    const { id, uid } = c.req.param();
    const r = await api(c, "DELETE", `/groups/${enc(id)}/users/${enc(uid)}`);
    if (!r.ok) return groupPage(c, r.error);
    return done(c, `/admin/groups/${enc(id)}`, "removed");
  })
  .post("/:id/delete", async (c) => {
    const r = await api(c, "DELETE", `/groups/${enc(c.req.param("id"))}`);
    if (!r.ok) return groupPage(c, r.error);
    return done(c, "/admin/groups", "deleted");
  });
