import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { admin, BASE, call } from "../../support/admin";
import { appBody, asBasic, assertionParams, clientAssertion, clientKeyPair, createApp, FORM, mintToken, oauthPost, readyServer, endpointUrl, type Json } from "../../support/clients";
import { createManualServer, jwks, rotateKeys } from "../../support/fixtures";
import { appFor, authorize, codeFor, codeParams, createPerson, formPage, peopleServer, redeem, refresh, sessionFor, submitConsent, tokensFor } from "../../support/people";
import { activate, deviceSetup, poll, startDevice } from "../../support/devices";
import { hasRoute } from "./routes";

/**
 * The races: one entry per single-use thing (or contended write). Each entry prepares a fresh contest, fires
 * `contenders` attempts at once, and says how many may win and what the stored state must look like after.
 * An entry whose route does not exist on this branch (device code, PAR, DPoP are other engineers' issues) is
 * skipped, and picked up unchanged once it is merged.
 */
export interface Race<T = any> {
  name: string;
  /** Why the entry cannot run here, or null. */
  absent: () => Promise<string | null>;
  setup: () => Promise<T>;
  attempt: (ctx: T, i: number) => Promise<Response>;
  /** Whether an answer is a win (a spend of the single-use thing). */
  won: (res: Response, body: string) => boolean;
  /** At most this many winners (1 for single use); null when every attempt may succeed (contended writes). */
  maxWinners: number | null;
  /** What is wrong with the stored state after the race (empty: nothing). */
  check: (ctx: T, answers: { status: number; body: string }[]) => Promise<string[]>;
}

const ok = (res: Response) => res.status === 200;
const active = async (serverId: string, client: { clientId: string; secret: string }, token: string) =>
  ((await (await oauthPost(serverId, "introspect", { token }, asBasic(client))).json()) as Json).active === true;
const tokensOf = (answers: { status: number; body: string }[]) => answers.filter((a) => a.status === 200).map((a) => JSON.parse(a.body) as Json);

const peopleWorld = async () => {
  const ps = await peopleServer({ scopes: [{ name: "orders:read", consent: "REQUIRED" }] });
  const person = await createPerson();
  const web = await appFor(person);
  const sid = await sessionFor(ps.id, web, person);
  return { ps, person, web, sid };
};
let people: Promise<Awaited<ReturnType<typeof peopleWorld>>> | null = null;
const sharedPeople = () => (people ??= peopleWorld());

/** The discovery document of the default server, to see what this branch supports. */
const discovery = async () => (await (await call("/oauth2/default/.well-known/openid-configuration")).json()) as Json;

export const RACES: Race[] = [
  {
    name: "one authorization code",
    absent: async () => null,
    setup: async () => {
      const w = await sharedPeople();
      return { w, a: await codeFor(w.ps.id, w.web, w.person, { sid: w.sid }) };
    },
    attempt: ({ w, a }) => redeem(w.ps.id, w.web, a),
    won: ok,
    maxWinners: 1,
    // RFC 6749 10.5: a replayed code revokes what its first redemption issued.
    check: async ({ w }, answers) => {
      const problems: string[] = [];
      for (const t of tokensOf(answers)) {
        if (await active(w.ps.id, w.web, t.access_token)) problems.push("the winner's access token is still active after replays of its code");
        if ((await refresh(w.ps.id, w.web, t.refresh_token)).status === 200) problems.push("the winner's refresh token still works after replays of its code");
      }
      return problems;
    },
  },
  {
    name: "one refresh token",
    absent: async () => null,
    setup: async () => {
      const w = await sharedPeople();
      return { w, t: await tokensFor(w.ps.id, w.web, w.person, { sid: w.sid }) };
    },
    attempt: ({ w, t }) => refresh(w.ps.id, w.web, t.refresh_token),
    won: ok,
    maxWinners: 1,
    // RFC 9700 4.14.2: a reused refresh token revokes its family, so the winner's new one must not work either.
    check: async ({ w }, answers) => {
      const problems: string[] = [];
      for (const t of tokensOf(answers)) if ((await refresh(w.ps.id, w.web, t.refresh_token)).status === 200) problems.push("the family survived a reuse");
      return problems;
    },
  },
  {
    name: "one client-assertion jti",
    absent: async () => null,
    setup: async () => {
      const rs = await readyServer();
      const key = await clientKeyPair("RS256");
      const client = await createApp({ method: "private_key_jwt", jwks: { keys: [key.publicJwk] } });
      const assertion = await clientAssertion(key.privateKey, { clientId: client.clientId, aud: endpointUrl(rs.id, "token"), kid: key.kid });
      return { rs, assertion };
    },
    attempt: ({ rs, assertion }) => oauthPost(rs.id, "token", { grant_type: "client_credentials", scope: "orders:read", ...assertionParams(assertion) }),
    won: ok,
    maxWinners: 1,
    check: async () => [],
  },
  {
    name: "consent given twice",
    absent: async () => null,
    setup: async () => {
      const w = await sharedPeople();
      const client = await appFor(w.person, { consent_method: "REQUIRED" });
      const page = await formPage(await authorize(w.ps.id, codeParams(client, { scope: "openid orders:read" }), { cookies: [w.sid] }));
      return { w, client, page };
    },
    attempt: ({ w, page }) => submitConsent(page, "allow", [w.sid]),
    won: (res) => res.status === 302 && /[?&]code=/.test(res.headers.get("Location") ?? ""),
    // The consent form's transaction is sealed, not stored (authorize/transaction.ts): submitting it again is the
    // same browser running /authorize again, which may get another code. What must be single is the grant.
    maxWinners: null,
    // One grant per scope, whatever the number of answers (Okta: a user grant is unique per client and scope).
    check: async ({ w, client }) => {
      const res = await admin(`/users/${w.person.id}/grants`);
      const grants = ((await res.json()) as Json[]).filter((g) => g.clientId === client.clientId);
      const scopes = grants.map((g) => `${g.issuer} ${g.scopeId}`);
      if (!scopes.some((s) => s.endsWith(" orders:read"))) return [`no grant stored for the consent: ${JSON.stringify(grants).slice(0, 300)}`];
      return new Set(scopes).size === scopes.length ? [] : [`duplicate grants: ${scopes.join(",")}`];
    },
  },
  {
    name: "two admins replacing the same rule",
    absent: async () => null,
    setup: async () => {
      const rs = await readyServer();
      const second = await admin(`/authorizationServers/${rs.id}/policies/${rs.policy.id}/rules`, {
        method: "POST",
        json: { type: "RESOURCE_ACCESS", name: `second-${crypto.randomUUID()}`, conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } } },
      });
      if (second.status !== 201) throw new Error(`rule: ${second.status}`);
      return { rs };
    },
    attempt: ({ rs }, i) =>
      admin(`/authorizationServers/${rs.id}/policies/${rs.policy.id}/rules/${rs.rule.id}`, {
        method: "PUT",
        json: { type: "RESOURCE_ACCESS", name: `admin-${i}`, priority: 1 + (i % 2), conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: [i % 2 ? "*" : "orders:read"] } } },
      }),
    won: ok,
    maxWinners: null,
    // Last writer wins, whole: the rule is one admin's body, and priorities stay 1..n with no gap or tie.
    check: async ({ rs }, answers) => {
      const problems: string[] = [];
      if (answers.some((a) => a.status !== 200)) problems.push(`replacements answered ${answers.map((a) => a.status).join(",")}`);
      const list = (await (await admin(`/authorizationServers/${rs.id}/policies/${rs.policy.id}/rules`)).json()) as Json[];
      const priorities = list.map((r) => r.priority).sort();
      if (JSON.stringify(priorities) !== JSON.stringify(list.map((_, i) => i + 1))) problems.push(`priorities ${priorities}`);
      const rule = list.find((r) => r.id === rs.rule.id)!;
      const i = Number(String(rule.name).slice("admin-".length));
      const scope = rule.conditions.scopes.include.join(",");
      if (scope !== (i % 2 ? "*" : "orders:read")) problems.push(`rule mixes two admins' bodies: ${rule.name} with ${scope}`);
      return problems;
    },
  },
  {
    name: "key rotation racing minting",
    absent: async () => null,
    setup: async () => {
      const s = await createManualServer({ audiences: ["api://race"] });
      for (const body of [{ type: "OAUTH_AUTHORIZATION_POLICY", name: "p", description: "p", conditions: { clients: { include: ["ALL_CLIENTS"] } } }]) {
        const p = (await (await admin(`/authorizationServers/${s.id}/policies`, { method: "POST", json: body })).json()) as Json;
        await admin(`/authorizationServers/${s.id}/policies/${p.id}/rules`, { method: "POST", json: { type: "RESOURCE_ACCESS", name: "r", conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } } } });
      }
      await admin(`/authorizationServers/${s.id}/scopes`, { method: "POST", json: { name: "orders:read" } });
      const client = await createApp();
      await mintToken(s.id, client, "orders:read");
      return { id: s.id as string, client };
    },
    // Even attempts rotate, odd ones mint.
    attempt: ({ id, client }, i) => (i % 2 ? oauthPost(id, "token", { grant_type: "client_credentials", scope: "orders:read" }, asBasic(client)) : rotateKeys(id)),
    won: () => false,
    maxWinners: null,
    // Every token minted during the race is signed by a key the server publishes, and one key is ACTIVE.
    check: async ({ id }, answers) => {
      const problems: string[] = [];
      if (answers.some((a) => a.status !== 200)) problems.push(`answers ${answers.map((a) => a.status).join(",")}`);
      const published = new Set((await jwks(id)).keys.map((k) => k.kid));
      for (const a of answers) {
        if (a.status !== 200 || !a.body.includes("access_token")) continue;
        const kid = decodeProtectedHeader(JSON.parse(a.body).access_token).kid;
        if (!published.has(kid!)) problems.push(`token signed by ${kid}, not published`);
      }
      const keys = (await (await admin(`/authorizationServers/${id}/credentials/keys`)).json()) as Json[];
      if (keys.filter((k) => k.status === "ACTIVE").length !== 1) problems.push(`ACTIVE keys: ${keys.filter((k) => k.status === "ACTIVE").length}`);
      if (keys.filter((k) => k.status === "NEXT").length > 1) problems.push("more than one NEXT key");
      return problems;
    },
  },
  {
    name: "one device code",
    absent: async () => (hasRoute("POST", /\/v1\/device\/authorize$/) ? null : "no device authorization route on this branch"),
    setup: async () => {
      const d = await deviceSetup();
      const started = await startDevice(d.serverId, d.client);
      const approved = await activate(started.user_code as string, d.person);
      await approved.arrayBuffer();
      if (approved.status >= 400) throw new Error(`activation: ${approved.status}`);
      return { d, deviceCode: started.device_code as string };
    },
    attempt: ({ d, deviceCode }) => poll(d.serverId, d.client, deviceCode),
    won: (res, body) => res.status === 200 && body.includes("access_token"),
    // RFC 8628 3.5: the approved device code is exchanged for tokens once; every other poll is refused.
    maxWinners: 1,
    check: async ({ d, deviceCode }) => {
      const again = await poll(d.serverId, d.client, deviceCode);
      return again.status === 200 ? ["the device code was redeemed again after the race"] : [];
    },
  },
  {
    name: "one PAR request_uri",
    absent: async () => (hasRoute("POST", /\/v1\/par$/) ? null : "no PAR route on this branch"),
    setup: async () => {
      const w = await sharedPeople();
      const res = await oauthPost(w.ps.id, "par" as never, codeParams(w.web, { scope: "openid" }), asBasic(w.web));
      const body = (await res.json()) as Json;
      if (res.status !== 201) throw new Error(`PAR: ${res.status} ${JSON.stringify(body)}`);
      return { w, requestUri: body.request_uri as string };
    },
    attempt: ({ w, requestUri }) => authorize(w.ps.id, { client_id: w.web.clientId, request_uri: requestUri }, { cookies: [w.sid] }),
    won: (res) => res.status === 302 && /[?&]code=/.test(res.headers.get("Location") ?? ""),
    // RFC 9126 7.3: a request_uri is one-time use.
    maxWinners: 1,
    check: async () => [],
  },
  {
    name: "one DPoP proof jti",
    absent: async () => ((await discovery()).dpop_signing_alg_values_supported ? null : "no DPoP support advertised on this branch"),
    setup: async () => {
      const rs = await readyServer();
      // Okta: only a client with dpop_bound_access_tokens has its proofs checked (others' proofs are ignored).
      const body = appBody();
      body.settings.oauthClient.dpop_bound_access_tokens = true;
      const created = await admin("/apps", { method: "POST", json: body });
      const app = (await created.json()) as Json;
      const client = { clientId: app.credentials.oauthClient.client_id as string, secret: app.credentials.oauthClient.client_secret as string };
      const { privateKey, publicKey } = await generateKeyPair("ES256");
      // Okta requires a server nonce: the first proof is answered use_dpop_nonce with the DPoP-Nonce to use.
      const probe = await new SignJWT({ htm: "POST", htu: endpointUrl(rs.id, "token"), jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: await exportJWK(publicKey) })
        .setIssuedAt()
        .sign(privateKey);
      const first = await call(`/oauth2/${rs.id}/v1/token`, { method: "POST", headers: { "Content-Type": FORM, DPoP: probe, ...asBasic(client) }, body: "grant_type=client_credentials&scope=orders%3Aread" });
      const nonce = first.headers.get("DPoP-Nonce");
      if (!nonce) throw new Error(`no DPoP-Nonce: ${first.status} ${await first.text()}`);
      const proof = await new SignJWT({ htm: "POST", htu: endpointUrl(rs.id, "token"), jti: crypto.randomUUID(), nonce })
        .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: await exportJWK(publicKey) })
        .setIssuedAt()
        .sign(privateKey);
      return { rs, client, proof };
    },
    attempt: ({ rs, client, proof }) =>
      call(`/oauth2/${rs.id}/v1/token`, { method: "POST", headers: { "Content-Type": FORM, DPoP: proof, ...asBasic(client) }, body: "grant_type=client_credentials&scope=orders%3Aread" }),
    won: ok,
    // RFC 9449 11.1: a proof's jti is accepted once.
    maxWinners: 1,
    check: async () => [],
  },
];

export { BASE };
