import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, Checkboxes, Csrf, FormError, Notice, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";

async function listPage(c: Context<ConsoleEnv>, values: Record<string, any> = {}, error?: OktaError) {
  const list: any[] = await read(c, "/trustedOrigins?limit=200");
  const csrf = c.get("session").csrf;
  return render(
    c,
    "Trusted origins",
    "origins",
    <>
      <h1>Trusted origins</h1>
      <Notice text={notice(c)} />
      <FormError error={error} fields={["name", "origin", "scopes"]} />
      <div class="card">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Origin</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((o) => (
              <tr>
                <td>{o.name}</td>
                <td>
                  <code>{o.origin}</code>
                </td>
                <td>{o.scopes.map((s: any) => s.type).join(", ")}</td>
                <td class={`status-${o.status}`}>{o.status}</td>
                <td>
                  {o.status === "ACTIVE" ? (
                    <ActionButton action={`/admin/trusted-origins/${enc(o.id)}/deactivate`} csrf={csrf} label={`Deactivate ${o.name}`} secondary />
                  ) : (
                    <ActionButton action={`/admin/trusted-origins/${enc(o.id)}/activate`} csrf={csrf} label={`Activate ${o.name}`} secondary />
                  )}
                  <ActionButton action={`/admin/trusted-origins/${enc(o.id)}/delete`} csrf={csrf} label={`Delete ${o.name}`} danger />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add origin</h2>
        <form method="post" action="/admin/trusted-origins" novalidate>
          <Csrf token={csrf} />
          <TextField id="name" label="Name" value={values.name} error={error} required />
          <TextField id="origin" label="Origin URL" value={values.origin} error={error} hint="scheme://host[:port], e.g. https://app.example.com" required />
          <Checkboxes id="types" label="Type" options={["CORS", "REDIRECT"]} checked={values.types ?? ["CORS"]} api={["scopes"]} error={error} />
          <button type="submit">Add origin</button>
        </form>
      </div>
    </>,
    error ? 400 : 200,
  );
}

export const originPages = new Hono<ConsoleEnv>()
  .get("/", (c) => listPage(c))
  .post("/", async (c) => {
    const f = await form(c);
    const types = f.getAll("types");
    const r = await api(c, "POST", "/trustedOrigins", { name: f.get("name") ?? "", origin: f.get("origin") ?? "", scopes: types.map((type) => ({ type })) });
    if (!r.ok) return listPage(c, { name: f.get("name") ?? "", origin: f.get("origin") ?? "", types }, r.error);
    return done(c, "/admin/trusted-origins", "added");
  })
  .post("/:id/:action{activate|deactivate}", async (c) => {
    const { id, action } = c.req.param();
    const r = await api(c, "POST", `/trustedOrigins/${enc(id)}/lifecycle/${action}`);
    if (!r.ok) return listPage(c, {}, r.error);
    return done(c, "/admin/trusted-origins", `${action}d`);
  })
  .post("/:id/delete", async (c) => {
    const r = await api(c, "DELETE", `/trustedOrigins/${enc(c.req.param("id"))}`);
    if (!r.ok) return listPage(c, {}, r.error);
    return done(c, "/admin/trusted-origins", "deleted");
  });
