import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, FormError, Notice } from "./form";
import { fromPolicy, fromRule, formRule, PolicyForm, policyBody, RuleForm, ruleBody } from "./policy-forms";
import { done, enc, form, notice, render } from "./render";
import { ServerHeader } from "./server-tabs";

const P = (id: string) => `/authorizationServers/${enc(id)}/policies`;
const page = (id: string) => `/admin/authorization-servers/${enc(id)}/policies`;

/** Up and down buttons: a move is a PUT of the same object with its priority one higher or lower (Okta renumbers the rest). */
function Moves(p: { action: string; csrf: string; name: string; first: boolean; last: boolean }) {
  return (
    <>
      {!p.first && <ActionButton action={`${p.action}/move?to=up`} csrf={p.csrf} label={`Move ${p.name} up`} secondary />}
      {!p.last && <ActionButton action={`${p.action}/move?to=down`} csrf={p.csrf} label={`Move ${p.name} down`} secondary />}
    </>
  );
}

async function listPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, error?: OktaError) {
  const id = c.req.param("id")!;
  const [s, list] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read<any[]>(c, P(id))]);
  const csrf = c.get("session").csrf;
  return render(
    c,
    `${s.name} · Access Policies`,
    "servers",
    <>
      <ServerHeader server={s} tab="policies" />
      <Notice text={notice(c)} />
      <div class="card">
        <h2>Policies, in priority order</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">Name</th>
              <th scope="col">Clients</th>
              <th scope="col">Status</th>
              <th scope="col">Order</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p, i) => (
              <tr>
                <td>{p.priority}</td>
                <td>
                  <a href={`${page(id)}/${enc(p.id)}`}>{p.name}</a>
                </td>
                <td>{p.conditions.clients.include.join(", ")}</td>
                <td class={`status-${p.status}`}>{p.status}</td>
                <td>
                  <Moves action={`${page(id)}/${enc(p.id)}`} csrf={csrf} name={p.name} first={i === 0} last={i === list.length - 1} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add policy</h2>
        <PolicyForm action={page(id)} csrf={csrf} values={values} error={error} submit="Create policy" />
      </div>
    </>,
    error ? 400 : 200,
  );
}

async function policyPage(c: Context<ConsoleEnv>, o: { policy?: Record<string, string>; policyError?: OktaError; rule?: any; ruleError?: OktaError; error?: OktaError } = {}) {
  const id = c.req.param("id")!;
  const pid = c.req.param("pid")!;
  const [s, p, rules] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read(c, `${P(id)}/${enc(pid)}`), read<any[]>(c, `${P(id)}/${enc(pid)}/rules`)]);
  const base = `${page(id)}/${enc(pid)}`;
  const csrf = c.get("session").csrf;
  return render(
    c,
    `${s.name} · Policy ${p.name}`,
    "servers",
    <>
      <ServerHeader server={s} tab="policies" />
      <Notice text={notice(c)} />
      <FormError error={o.error} fields={[]} />
      <div class="card">
        <h2>
          Policy {p.name} <span class={`status-${p.status}`}>{p.status}</span>
        </h2>
        <PolicyForm action={base} csrf={csrf} values={o.policy ?? fromPolicy(p)} error={o.policyError} submit="Save policy" />
        <p>
          {p.status === "ACTIVE" ? <ActionButton action={`${base}/deactivate`} csrf={csrf} label="Deactivate policy" secondary /> : <ActionButton action={`${base}/activate`} csrf={csrf} label="Activate policy" />}
          <ActionButton action={`${base}/delete`} csrf={csrf} label="Delete policy" danger />
        </p>
      </div>
      <div class="card">
        <h2>Rules, in priority order</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">Name</th>
              <th scope="col">Grant types</th>
              <th scope="col">Scopes</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => (
              <tr>
                <td>{r.priority}</td>
                <td>
                  <a href={`${base}/rules/${enc(r.id)}`}>{r.name}</a>
                </td>
                <td>{r.conditions.grantTypes.include.join(", ")}</td>
                <td>{r.conditions.scopes.include.join(", ")}</td>
                <td class={`status-${r.status}`}>{r.status}</td>
                <td>
                  <Moves action={`${base}/rules/${enc(r.id)}`} csrf={csrf} name={r.name} first={i === 0} last={i === rules.length - 1} />
                  {r.status === "ACTIVE" ? (
                    <ActionButton action={`${base}/rules/${enc(r.id)}/deactivate`} csrf={csrf} label={`Deactivate ${r.name}`} secondary />
                  ) : (
                    <ActionButton action={`${base}/rules/${enc(r.id)}/activate`} csrf={csrf} label={`Activate ${r.name}`} secondary />
                  )}
                  <ActionButton action={`${base}/rules/${enc(r.id)}/delete`} csrf={csrf} label={`Delete ${r.name}`} danger />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Add rule</h2>
        <RuleForm action={`${base}/rules`} csrf={csrf} values={o.rule ?? {}} error={o.ruleError} submit="Create rule" />
      </div>
    </>,
    o.policyError || o.ruleError || o.error ? 400 : 200,
  );
}

async function rulePage(c: Context<ConsoleEnv>, values?: any, error?: OktaError) {
  const id = c.req.param("id")!;
  const pid = c.req.param("pid")!;
  const rid = c.req.param("rid")!;
  const [s, p, r] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read(c, `${P(id)}/${enc(pid)}`), read(c, `${P(id)}/${enc(pid)}/rules/${enc(rid)}`)]);
  return render(
    c,
    `${s.name} · Rule ${r.name}`,
    "servers",
    <>
      <ServerHeader server={s} tab="policies" />
      <p>
        <a href={`${page(id)}/${enc(pid)}`}>Back to policy {p.name}</a>
      </p>
      <div class="card">
        <h2>Rule {r.name}</h2>
        <RuleForm action={`${page(id)}/${enc(pid)}/rules/${enc(rid)}`} csrf={c.get("session").csrf} values={values ?? fromRule(r)} error={error} submit="Save rule" />
      </div>
    </>,
    error ? 400 : 200,
  );
}

/** Moves a policy or rule one place: a PUT with the neighbour's priority, through the admin API's own renumbering. */
async function move(c: Context<ConsoleEnv>, path: string, body: (current: any, priority: number) => unknown) {
  const current = await read(c, path);
  const priority = Math.max(1, current.priority + (c.req.query("to") === "up" ? -1 : 1));
  return api(c, "PUT", path, body(current, priority));
}

const policyWrite = (cur: any, priority: number) => ({ ...policyBody(new URLSearchParams({ ...fromPolicy(cur) }), priority, cur.status) });
const ruleWrite = (cur: any, priority: number) => {
  const v = fromRule(cur);
  const f = new URLSearchParams(Object.entries(v).filter(([k]) => k !== "grantTypes") as [string, string][]);
  for (const g of v.grantTypes) f.append("grantTypes", g);
  return ruleBody(f, priority, cur.status);
};

export const policyPages = new Hono<ConsoleEnv>()
  .get("/:id/policies", (c) => listPage(c))
  .post("/:id/policies", async (c) => {
    const f = await form(c);
    const id = c.req.param("id");
    const r = await api(c, "POST", P(id), policyBody(f));
    if (!r.ok) return listPage(c, Object.fromEntries(f), r.error);
    return done(c, `${page(id)}/${enc(r.body.id)}`, "created");
  })
  .get("/:id/policies/:pid", (c) => policyPage(c))
  .post("/:id/policies/:pid", async (c) => {
    const f = await form(c);
    const { id, pid } = c.req.param();
    const cur = await read(c, `${P(id)}/${enc(pid)}`);
    const r = await api(c, "PUT", `${P(id)}/${enc(pid)}`, policyBody(f, cur.priority, cur.status));
    if (!r.ok) return policyPage(c, { policy: Object.fromEntries(f), policyError: r.error });
    return done(c, `${page(id)}/${enc(pid)}`, "saved");
  })
  .post("/:id/policies/:pid/move", async (c) => {
    const { id, pid } = c.req.param();
    const r = await move(c, `${P(id)}/${enc(pid)}`, policyWrite);
    if (!r.ok) return listPage(c, {}, r.error);
    return done(c, page(id), "moved");
  })
  .post("/:id/policies/:pid/:action{activate|deactivate}", async (c) => {
    const { id, pid, action } = c.req.param();
    const r = await api(c, "POST", `${P(id)}/${enc(pid)}/lifecycle/${action}`);
    if (!r.ok) return policyPage(c, { error: r.error });
    return done(c, `${page(id)}/${enc(pid)}`, `${action}d`);
  })
  .post("/:id/policies/:pid/delete", async (c) => {
    const { id, pid } = c.req.param();
    const r = await api(c, "DELETE", `${P(id)}/${enc(pid)}`);
    if (!r.ok) return policyPage(c, { error: r.error });
    return done(c, page(id), "deleted");
  })
  .post("/:id/policies/:pid/rules", async (c) => {
    const f = await form(c);
    const { id, pid } = c.req.param();
    const r = await api(c, "POST", `${P(id)}/${enc(pid)}/rules`, ruleBody(f));
    if (!r.ok) return policyPage(c, { rule: formRule(f), ruleError: r.error });
    return done(c, `${page(id)}/${enc(pid)}`, "created");
  })
  .get("/:id/policies/:pid/rules/:rid", (c) => rulePage(c))
  .post("/:id/policies/:pid/rules/:rid", async (c) => {
    const f = await form(c);
    const { id, pid, rid } = c.req.param();
    const cur = await read(c, `${P(id)}/${enc(pid)}/rules/${enc(rid)}`);
    const r = await api(c, "PUT", `${P(id)}/${enc(pid)}/rules/${enc(rid)}`, ruleBody(f, cur.priority, cur.status));
    if (!r.ok) return rulePage(c, formRule(f), r.error);
    return done(c, `${page(id)}/${enc(pid)}`, "saved");
  })
  .post("/:id/policies/:pid/rules/:rid/move", async (c) => {
    const { id, pid, rid } = c.req.param();
    const r = await move(c, `${P(id)}/${enc(pid)}/rules/${enc(rid)}`, ruleWrite);
    if (!r.ok) return policyPage(c, { error: r.error });
    return done(c, `${page(id)}/${enc(pid)}`, "moved");
  })
  .post("/:id/policies/:pid/rules/:rid/:action{activate|deactivate}", async (c) => {
    const { id, pid, rid, action } = c.req.param();
    const r = await api(c, "POST", `${P(id)}/${enc(pid)}/rules/${enc(rid)}/lifecycle/${action}`);
    if (!r.ok) return policyPage(c, { error: r.error });
    return done(c, `${page(id)}/${enc(pid)}`, `${action}d`);
  })
  .post("/:id/policies/:pid/rules/:rid/delete", async (c) => {
    const { id, pid, rid } = c.req.param();
    const r = await api(c, "DELETE", `${P(id)}/${enc(pid)}/rules/${enc(rid)}`);
    if (!r.ok) return policyPage(c, { error: r.error });
    return done(c, `${page(id)}/${enc(pid)}`, "deleted");
  });
