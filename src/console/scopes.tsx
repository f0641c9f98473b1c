import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, Csrf, FormError, Notice, Select, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";
import { ServerHeader } from "./server-tabs";

const FIELDS = ["name", "displayName", "description", "consent", "default", "metadataPublish", "optional"];

async function scopesPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, error?: OktaError) {
  const id = c.req.param("id")!;
  const [s, list] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read<any[]>(c, `/authorizationServers/${enc(id)}/scopes`)]);
  const base = `/admin/authorization-servers/${enc(id)}/scopes`;
  const csrf = c.get("session").csrf;
  return render(
    c,
    `${s.name} · Scopes`,
    "servers",
    <>
      <ServerHeader server={s} tab="scopes" />
      <Notice text={notice(c)} />
      <div class="card">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Consent</th>
              <th scope="col">Default</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((sc) => (
              <tr>
                <td>
                  <code>{sc.name}</code>
                  {sc.system ? <span class="muted"> (system)</span> : null}
                </td>
                <td>{sc.description ?? ""}</td>
                <td>{sc.consent}</td>
                <td>{sc.default ? "Yes" : "No"}</td>
                <td>{!sc.system && <ActionButton action={`${base}/${enc(sc.id)}/delete`} csrf={csrf} label={`Delete ${sc.name}`} danger />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add scope</h2>
        <form method="post" action={base} novalidate>
          <FormError error={error} fields={FIELDS} />
          <Csrf token={csrf} />
          <TextField id="name" label="Name" value={values.name} error={error} hint="e.g. orders:read" required />
          <TextField id="displayName" label="Display name" value={values.displayName} error={error} />
          <TextField id="description" label="Description" value={values.description} error={error} />
          <Select id="consent" label="User consent" value={values.consent ?? "IMPLICIT"} options={["IMPLICIT", "REQUIRED", "FLEXIBLE"]} error={error} />
          <Select id="default" label="Default scope" value={values.default ?? "false"} options={[{ value: "false", label: "No" }, { value: "true", label: "Yes" }]} error={error} />
          <Select id="metadataPublish" label="Publish in metadata" value={values.metadataPublish ?? "NO_CLIENTS"} options={["NO_CLIENTS", "ALL_CLIENTS"]} error={error} />
          <button type="submit">Add scope</button>
        </form>
      </div>
    </>,
    error ? 400 : 200,
  );
}

export const scopePages = new Hono<ConsoleEnv>()
  .get("/:id/scopes", (c) => scopesPage(c))
  .post("/:id/scopes", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const body = {
      name: f.get("name") ?? "",
      displayName: f.get("displayName") || undefined,
      description: f.get("description") || undefined,
      consent: f.get("consent") || undefined,
      default: f.get("default") === "true",
      metadataPublish: f.get("metadataPublish") || undefined,
    };
    const r = await api(c, "POST", `/authorizationServers/${enc(id)}/scopes`, body);
    if (!r.ok) return scopesPage(c, Object.fromEntries(f), r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/scopes`, "added");
  })
  .post("/:id/scopes/:sid/delete", async (c) => {
    const id = c.req.param("id");
    const r = await api(c, "DELETE", `/authorizationServers/${enc(id)}/scopes/${enc(c.req.param("sid"))}`);
    if (!r.ok) return scopesPage(c, {}, r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/scopes`, "deleted");
  });
