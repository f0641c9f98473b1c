import { Hono, type Context } from "hono";
import { api, causesFor, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, Csrf, FormError, Notice, Select, TextArea, TextField } from "./form";
import { done, enc, form, notice, render } from "./render";
import { ServerHeader } from "./server-tabs";

const FIELDS = ["name", "status", "claimType", "valueType", "value", "group_filter_type", "alwaysIncludeInToken", "conditions"];

/** The expression with a caret under the position the admin API reported (`... at position N`). */
function ErrorAt(p: { value: string; error?: OktaError }) {
  const cause = causesFor(p.error, "value").find((m) => /at position \d+$/.test(m));
  if (!cause) return null;
  const pos = Number(/at position (\d+)$/.exec(cause)![1]);
  return (
    <pre aria-label={`The value with the error marked at position ${pos}`}>
      {p.value}
      {"\n"}
      <span class="caret">{`${" ".repeat(Math.min(pos, p.value.length))}^ ${cause}`}</span>
    </pre>
  );
}

function ClaimForm(p: { action: string; csrf: string; values: Record<string, string>; error?: OktaError; submit: string }) {
  const v = p.values;
  return (
    <form method="post" action={p.action} novalidate>
      <FormError error={p.error} fields={FIELDS} />
      <Csrf token={p.csrf} />
      <TextField id="name" label="Name" value={v.name} error={p.error} required />
      <Select id="claimType" label="Include in token type" value={v.claimType ?? "RESOURCE"} options={[{ value: "RESOURCE", label: "Access token (RESOURCE)" }, { value: "IDENTITY", label: "ID token (IDENTITY)" }]} error={p.error} />
      <Select id="valueType" label="Value type" value={v.valueType ?? "EXPRESSION"} options={[{ value: "EXPRESSION", label: "Expression" }, { value: "GROUPS", label: "Groups" }]} error={p.error} />
      <Select
        id="group_filter_type"
        label="Group filter (Groups only)"
        value={v.group_filter_type ?? ""}
        options={[{ value: "", label: "None" }, "STARTS_WITH", "EQUALS", "CONTAINS", "REGEX"]}
        error={p.error}
      />
      <TextArea id="value" label="Value" value={v.value} error={p.error} rows={2} hint={'An Okta expression, e.g. user.profile.email or "orders:" + app.clientId; for Groups, the filter value.'} />
      <ErrorAt value={v.value ?? ""} error={p.error} />
      <TextField id="scopes" label="Include in scopes" value={v.scopes} api={["conditions"]} error={p.error} hint="Space-separated scope names; empty for any scope." />
      <Select id="status" label="Status" value={v.status ?? "ACTIVE"} options={["ACTIVE", "INACTIVE"]} error={p.error} />
      <button type="submit">{p.submit}</button>
    </form>
  );
}

function claimBody(f: URLSearchParams) {
  const scopes = (f.get("scopes") ?? "").split(/\s+/).filter(Boolean);
  return {
    name: f.get("name") ?? "",
    status: f.get("status") || undefined,
    claimType: f.get("claimType") ?? "",
    valueType: f.get("valueType") ?? "",
    value: f.get("value") ?? "",
    group_filter_type: f.get("group_filter_type") || null,
    alwaysIncludeInToken: true,
    conditions: { scopes },
  };
}

const fromClaim = (cl: any) => ({
  name: cl.name,
  claimType: cl.claimType,
  valueType: cl.valueType,
  value: cl.value,
  group_filter_type: cl.group_filter_type ?? "",
  scopes: (cl.conditions?.scopes ?? []).join(" "),
  status: cl.status,
});

async function claimsPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, error?: OktaError) {
  const id = c.req.param("id")!;
  const [s, list] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read<any[]>(c, `/authorizationServers/${enc(id)}/claims`)]);
  const base = `/admin/authorization-servers/${enc(id)}/claims`;
  const csrf = c.get("session").csrf;
  return render(
    c,
    `${s.name} · Claims`,
    "servers",
    <>
      <ServerHeader server={s} tab="claims" />
      <Notice text={notice(c)} />
      <div class="card">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              <th scope="col">Value</th>
              <th scope="col">Scopes</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((cl) => (
              <tr>
                <td>
                  <code>{cl.name}</code>
                </td>
                <td>{cl.claimType === "RESOURCE" ? "Access" : "ID"}</td>
                <td>
                  <code>{cl.value}</code>
                </td>
                <td>{(cl.conditions?.scopes ?? []).join(", ") || "Any scope"}</td>
                <td class={`status-${cl.status}`}>{cl.status}</td>
                <td>
                  {!cl.system && (
                    <>
                      <a href={`${base}/${enc(cl.id)}`}>Edit {cl.name}</a> <ActionButton action={`${base}/${enc(cl.id)}/delete`} csrf={csrf} label={`Delete ${cl.name}`} danger />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add claim</h2>
        <ClaimForm action={base} csrf={csrf} values={values} error={error} submit="Add claim" />
      </div>
    </>,
    error ? 400 : 200,
  );
}

async function editPage(c: Context<ConsoleEnv>, values?: Record<string, string>, error?: OktaError) {
  const id = c.req.param("id")!;
  const cid = c.req.param("cid")!;
  const [s, cl] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read(c, `/authorizationServers/${enc(id)}/claims/${enc(cid)}`)]);
  return render(
    c,
    `${s.name} · Claim ${cl.name}`,
    "servers",
    <>
      <ServerHeader server={s} tab="claims" />
      <div class="card">
        <h2>Edit claim {cl.name}</h2>
        <ClaimForm action={`/admin/authorization-servers/${enc(id)}/claims/${enc(cid)}`} csrf={c.get("session").csrf} values={values ?? fromClaim(cl)} error={error} submit="Save" />
      </div>
    </>,
    error ? 400 : 200,
  );
}

export const claimPages = new Hono<ConsoleEnv>()
  .get("/:id/claims", (c) => claimsPage(c))
  .post("/:id/claims", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const r = await api(c, "POST", `/authorizationServers/${enc(id)}/claims`, claimBody(f));
    if (!r.ok) return claimsPage(c, Object.fromEntries(f), r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/claims`, "added");
  })
  .get("/:id/claims/:cid", (c) => editPage(c))
  .post("/:id/claims/:cid", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const r = await api(c, "PUT", `/authorizationServers/${enc(id)}/claims/${enc(c.req.param("cid"))}`, claimBody(f));
    if (!r.ok) return editPage(c, Object.fromEntries(f), r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/claims`, "saved");
  })
  .post("/:id/claims/:cid/delete", async (c) => {
    const id = c.req.param("id");
    const r = await api(c, "DELETE", `/authorizationServers/${enc(id)}/claims/${enc(c.req.param("cid"))}`);
    if (!r.ok) return claimsPage(c, {}, r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/claims`, "deleted");
  });
