import { Hono, type Context } from "hono";
import { issuerOf } from "../issuer";
import { prepareClaims } from "../policy/claims/custom-claims";
import { getAppByClientId } from "../store/apps";
import { isAssignedToApp } from "../store/assignments";
import { listActiveClaims } from "../store/claims";
import { userGroups } from "../store/groups";
import { loadPolicyConfigs } from "../store/policies";
import { listScopes } from "../store/scopes";
import { getUser, getUserByLogin } from "../store/users";
import { getServer } from "../store/authorization-servers";
import { read } from "./api";
import type { ConsoleEnv } from "./env";
import { Select, TextField } from "./form";
import { needsPerson, previewTokens, type PreviewResult } from "./preview-engine";
import { enc, render } from "./render";
import { ServerHeader } from "./server-tabs";
import { RULE_GRANTS } from "./policy-forms";

/** The server's configuration as it is now in D1 (not the isolate cache), so a change just saved is what is previewed. */
async function run(c: Context<ConsoleEnv>, serverId: string, q: Record<string, string>): Promise<PreviewResult | string> {
  const db = c.env.DB;
  const [server, scopes, policies, claims, client] = await Promise.all([
    getServer(db, serverId),
    listScopes(db, serverId),
    loadPolicyConfigs(db, serverId),
    listActiveClaims(db, serverId),
    getAppByClientId(db, q.client ?? ""),
  ]);
  if (!server) return "This authorization server no longer exists.";
  if (!client) return "Choose an application.";
  const grantType = q.grantType ?? "client_credentials";
  let user = null;
  if (needsPerson(grantType)) {
    const who = (q.person ?? "").trim();
    const record = who ? ((await getUserByLogin(db, who)) ?? (await getUser(db, who))) : null;
    if (!record) return who ? `No person with the login or id ${who}.` : "This grant type needs a person: enter their login.";
    const [groups, assigned] = await Promise.all([userGroups(db, record.id), isAssignedToApp(db, client.id, record.id)]);
    user = { record, groups, assigned };
  }
  return previewTokens({
    issuer: issuerOf(server, c.env, c.req.url),
    audience: server.audiences[0] ?? "",
    scopes,
    policies,
    claims: prepareClaims(claims),
    client,
    grantType,
    requested: [...new Set((q.scopes ?? "").split(/\s+/).filter(Boolean))],
    user,
    now: c.get("now"),
  });
}

function Result(p: { r: PreviewResult | string }) {
  const r = p.r;
  if (typeof r === "string") return <p class="error" role="alert">{r}</p>;
  return (
    <div role="region" aria-labelledby="preview-result">
      <h2 id="preview-result">Result</h2>
      {r.refused.length > 0 && (
        <div class="error" role="alert">
          <p style="margin:0">No token would be issued:</p>
          <ul>
            {r.refused.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
        </div>
      )}
      {r.decision?.kind === "granted" && (
        <p class="notice" role="status">
          Policy <strong>{r.policyName}</strong>, rule <strong>{r.ruleName}</strong> would issue the tokens.
        </p>
      )}
      {r.decision?.kind === "no_policy" && (
        <p class="error" role="alert">
          No token: no active policy of this server is assigned to this client (Okta: "Policy evaluation failed for this request").
        </p>
      )}
      {r.decision?.kind === "no_rule" && (
        <p class="error" role="alert">
          No token: policy <strong>{r.policyName}</strong> covers this client, but no rule of any covering policy matches (see why below).
        </p>
      )}
      {r.claimErrors.length > 0 && (
        <div class="error">
          <p style="margin:0">These claims failed to evaluate and would be left out:</p>
          <ul>
            {r.claimErrors.map((x) => (
              <li>{x}</li>
            ))}
          </ul>
        </div>
      )}
      {r.accessToken && (
        <>
          <h3>Access token claims (decoded; not issued)</h3>
          <pre id="access-token-claims">{JSON.stringify(r.accessToken, null, 2)}</pre>
        </>
      )}
      {r.idToken && (
        <>
          <h3>ID token claims (decoded; not issued)</h3>
          <pre id="id-token-claims">{JSON.stringify(r.idToken, null, 2)}</pre>
        </>
      )}
      <h3>How each policy and rule was evaluated</h3>
      <ol>
        {r.explanations.map((pe) => (
          <li>
            Policy <strong>{pe.name}</strong> (priority {pe.priority}, {pe.status}){!pe.covers ? ": not assigned to this client" : pe.status !== "ACTIVE" ? ": inactive, not evaluated" : ""}
            {pe.covers && pe.status === "ACTIVE" && (
              <ul>
                {pe.rules.map((re) => (
                  <li>
                    Rule {re.name} (priority {re.priority}): {re.reasons.length ? `no match: ${re.reasons.join("; ")}` : "matches"}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

export const previewPages = new Hono<ConsoleEnv>().get("/:id/preview", async (c) => {
  const id = c.req.param("id");
  const [s, apps] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read<any[]>(c, "/apps?limit=200")]);
  const q = c.req.query();
  const submitted = q.client !== undefined;
  const result = submitted ? await run(c, id, q) : null;
  return render(
    c,
    `${s.name} · Token Preview`,
    "servers",
    <>
      <ServerHeader server={s} tab="preview" />
      <div class="card">
        <p>See which policy and rule a token request would match, and the claims of its tokens. Nothing is issued or logged.</p>
        <form method="get" action={`/admin/authorization-servers/${enc(id)}/preview`}>
          <Select
            id="client"
            label="Application (client)"
            value={q.client ?? ""}
            options={[{ value: "", label: "Choose an application" }, ...apps.map((a) => ({ value: a.credentials.oauthClient.client_id, label: `${a.label} (${a.credentials.oauthClient.client_id})` }))]}
          />
          <Select id="grantType" label="Grant type" value={q.grantType ?? "authorization_code"} options={RULE_GRANTS} />
          <TextField id="person" label="Person (login), for grant types with a person" value={q.person} autocomplete="off" />
          <TextField id="scopes" label="Scopes" value={q.scopes ?? "openid"} hint="Space-separated, as in the scope parameter." />
          <button type="submit">Preview token</button>
        </form>
      </div>
      {result !== null && (
        <div class="card">
          <Result r={result} />
        </div>
      )}
    </>,
  );
});
