import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { admin } from "../support/admin";
import {
  createClaim,
  customClaims,
  deleteClaim,
  expressionClaim,
  groupsClaim,
  replaceClaim,
  verifyAccessToken,
  type GroupFilterType,
} from "../support/claims";
import { clientCredentials, tokenBody, type Client, type Json } from "../support/clients";
import {
  addMember,
  appFor,
  authorize,
  codeParams,
  createPerson,
  peopleServer,
  redirectParams,
  refresh,
  sessionFor,
  tokensFor,
  userinfo,
  verifyIdToken,
  type PeopleServer,
  type Person,
} from "../support/people";

// Custom claims (Okta OAuth2Claim, REFERENCE 3.8) as clients see them: in access tokens (7.1), ID tokens (7.2)
// and userinfo (5.6), through the real endpoints, for people and for client_credentials.

const ALL_GRANTS = ["authorization_code", "implicit", "client_credentials", "refresh_token"];
const PERSON_SCOPES = "openid profile email offline_access";
const EMAIL_LOCAL = 'String.substringBefore(user.email, "@")';

let person: Person;
let client: Client;
let sid: string;
/** The local part of the person's email, what EMAIL_LOCAL yields. */
let local: string;
/** The groups eng-a, eng-b and ops, by name. */
const groups: Record<string, Json> = {};

async function namedGroup(name: string): Promise<Json> {
  const res = await admin("/groups", { method: "POST", json: { profile: { name } } });
  const group = (await res.json()) as Json;
  expect(res.status, JSON.stringify(group)).toBe(200);
  return group;
}

/** A web app that may use every grant and response type, assigned to `p`. */
const webAppFor = (p: Person) =>
  appFor(p, { grant_types: ["authorization_code", "implicit", "refresh_token", "client_credentials"], response_types: ["code", "token", "id_token"] });

interface ClaimsServer extends PeopleServer {
  claims: Json[];
}

/**
 * A fresh custom server with scopes claims:x and claims:y, one policy whose rule allows the code, implicit,
 * client_credentials and refresh grants for any scope, and these claims.
 */
async function claimsServer(claims: Json[]): Promise<ClaimsServer> {
  const s = await peopleServer({ scopes: [{ name: "claims:x" }, { name: "claims:y" }], rule: { grantTypes: ALL_GRANTS } });
  const created: Json[] = [];
  for (const body of claims) created.push(await createClaim(s.id, body));
  return { ...s, claims: created };
}

/** The whole code flow (PKCE) on the shared session: the token endpoint's response. */
const codeFlow = (s: PeopleServer, scope = PERSON_SCOPES, as: { client: Client; person: Person; sid?: string } = { client, person, sid }) =>
  tokensFor(s.id, as.client, as.person, { sid: as.sid, extra: { scope } });

/** An implicit or hybrid request on the shared session: the parameters of the fragment. */
const implicit = (s: PeopleServer, responseType: string, scope = "openid profile email") =>
  authorize(s.id, codeParams(client, { response_type: responseType, scope }), { cookies: [sid] }).then((res) => redirectParams(res, "fragment"));

const accessClaims = async (s: PeopleServer, token: string) => customClaims(await verifyAccessToken(s.id, s.audience, token));
const idClaims = async (s: PeopleServer, token: string) => customClaims(await verifyIdToken(s.id, token, client.clientId));

async function userinfoClaims(s: PeopleServer, accessToken: string): Promise<Record<string, unknown>> {
  const res = await userinfo(s.id, accessToken);
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return customClaims(body);
}

const ccToken = async (s: PeopleServer, scope: string) => (await tokenBody(await clientCredentials(s.id, client, scope))).access_token as string;

/** Records (and silences) what the Worker logs. */
const captureLog = () => vi.spyOn(console, "log").mockImplementation(() => {});

/** What the claim builder logs when a claim fails to evaluate. */
const evaluationFailures = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls
    .map(([line]) => line)
    .filter((line): line is string => typeof line === "string" && line.includes('"claim_evaluation_failed"'))
    .map((line) => JSON.parse(line) as Json);

beforeAll(async () => {
  person = await createPerson({ profile: { department: "Engineering", employeeNumber: "abc" } });
  local = person.login.split("@")[0]!;
  // Created in this order, so they are listed in this order after the built-in Everyone group.
  for (const name of ["eng-a", "eng-b", "ops"]) {
    groups[name] = await namedGroup(name);
    await addMember(groups[name].id, person.id);
  }
  client = await webAppFor(person);
  sid = await sessionFor((await peopleServer()).id, client, person);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an EXPRESSION claim for access tokens (RESOURCE)", () => {
  let s: ClaimsServer;
  beforeAll(async () => {
    s = await claimsServer([expressionClaim("email_local", EMAIL_LOCAL)]);
  });

  it("puts the local part of the person's email in the access token of the code flow", async () => {
    const tokens = await codeFlow(s);
    const payload = await verifyAccessToken(s.id, s.audience, tokens.access_token);
    expect(payload).toMatchObject({ sub: person.login, uid: person.id, cid: client.clientId, email_local: local });
    expect(customClaims(payload)).toEqual({ email_local: local });
  });

  it("keeps it out of the ID token and userinfo", async () => {
    const tokens = await codeFlow(s);
    expect(await idClaims(s, tokens.id_token)).toEqual({});
    expect(await userinfoClaims(s, tokens.access_token)).toEqual({});
  });

  it("puts it in the access token of the implicit flow too", async () => {
    const back = await implicit(s, "token");
    expect(await accessClaims(s, back.access_token!)).toEqual({ email_local: local });
  });
});

describe("GROUPS claims: the person is in Everyone, eng-a, eng-b and ops", () => {
  // [filter, value, the claim's value (undefined: omitted)]
  const matrix: Array<[GroupFilterType, string, string[] | undefined]> = [
    ["STARTS_WITH", "eng", ["eng-a", "eng-b"]],
    ["STARTS_WITH", "ENG-B", ["eng-b"]],
    ["STARTS_WITH", "nobody", undefined],
    ["EQUALS", "OPS", ["ops"]],
    ["EQUALS", "eng", undefined],
    ["CONTAINS", "NG-", ["eng-a", "eng-b"]],
    ["CONTAINS", "p", ["ops"]],
    ["CONTAINS", "e", ["Everyone", "eng-a", "eng-b"]],
    ["REGEX", "eng-[ab]", ["eng-a", "eng-b"]],
    ["REGEX", "o.s", ["ops"]],
    // REGEX is case-sensitive and must match the whole name (Java's String.matches).
    ["REGEX", "ENG-.*", undefined],
    ["REGEX", "eng", undefined],
    ["REGEX", ".*", ["Everyone", "eng-a", "eng-b", "ops"]],
  ];
  const nameOf = (i: number) => `groups_${i}`;
  let s: ClaimsServer;
  let access: Record<string, unknown>;

  beforeAll(async () => {
    s = await claimsServer(matrix.map(([filter, value], i) => groupsClaim(nameOf(i), filter, value)));
    access = await accessClaims(s, (await codeFlow(s)).access_token);
  });

  const cases = matrix.map(([filter, value, expected], i) => [`${filter} ${JSON.stringify(value)}: ${expected ? JSON.stringify(expected) : "omitted"}`, expected, i] as const);
  it.each(cases)("%s", (_, expected, i) => {
    if (expected === undefined) expect(access).not.toHaveProperty(nameOf(i));
    else expect(access[nameOf(i)]).toEqual(expected);
  });

  it("leaves out every claim no group matches, and nothing else", () => {
    const expected = Object.fromEntries(matrix.flatMap(([, , value], i) => (value === undefined ? [] : [[nameOf(i), value]])));
    expect(access).toEqual(expected);
  });

  it("puts an IDENTITY groups claim in the ID token and userinfo, not in the access token", async () => {
    const ids = await claimsServer([groupsClaim("groups", "STARTS_WITH", "eng", { claimType: "IDENTITY" })]);
    const tokens = await codeFlow(ids);
    expect(await idClaims(ids, tokens.id_token)).toEqual({ groups: ["eng-a", "eng-b"] });
    expect(await userinfoClaims(ids, tokens.access_token)).toEqual({ groups: ["eng-a", "eng-b"] });
    expect(await accessClaims(ids, tokens.access_token)).toEqual({});
  });
});

describe("IDENTITY claims: ID tokens and userinfo", () => {
  let s: ClaimsServer;
  beforeAll(async () => {
    s = await claimsServer([
      expressionClaim("id_local", EMAIL_LOCAL, { claimType: "IDENTITY", alwaysIncludeInToken: true }),
      expressionClaim("id_department", "user.department", { claimType: "IDENTITY", alwaysIncludeInToken: false }),
      groupsClaim("id_groups", "STARTS_WITH", "eng", { claimType: "IDENTITY", alwaysIncludeInToken: true }),
      expressionClaim("at_local", EMAIL_LOCAL),
    ]);
  });

  it("puts the claims marked alwaysIncludeInToken in the token endpoint's ID token (code flow), and none in the access token", async () => {
    const tokens = await codeFlow(s);
    const id = await verifyIdToken(s.id, tokens.id_token, client.clientId);
    expect(id).toMatchObject({ sub: person.id, email: person.login, id_local: local, id_groups: ["eng-a", "eng-b"] });
    expect(id).not.toHaveProperty("at_local");
    expect(await accessClaims(s, tokens.access_token)).toEqual({ at_local: local });
  });

  // REFERENCE 3.8 and Okta's help ("Create API access claims"): ID token claims are not included "when requested
  // with an access token or authorization code" unless alwaysIncludeInToken; the client gets them from /userinfo.
  it("leaves a claim with alwaysIncludeInToken false out of the token endpoint's ID token (code flow)", async () => {
    const tokens = await codeFlow(s);
    expect(await idClaims(s, tokens.id_token)).toEqual({ id_local: local, id_groups: ["eng-a", "eng-b"] });
  });

  it("returns every IDENTITY claim from userinfo, whatever alwaysIncludeInToken says, and no RESOURCE claim", async () => {
    const tokens = await codeFlow(s);
    expect(await userinfoClaims(s, tokens.access_token)).toEqual({ id_local: local, id_department: "Engineering", id_groups: ["eng-a", "eng-b"] });
  });

  it.each(["id_token token", "code id_token token"])(
    "%s: a thin ID token has only the alwaysIncludeInToken claims; userinfo has them all",
    async (responseType) => {
      const back = await implicit(s, responseType);
      expect(await idClaims(s, back.id_token!)).toEqual({ id_local: local, id_groups: ["eng-a", "eng-b"] });
      expect(await accessClaims(s, back.access_token!)).toEqual({ at_local: local });
      expect(await userinfoClaims(s, back.access_token!)).toEqual({ id_local: local, id_department: "Engineering", id_groups: ["eng-a", "eng-b"] });
    },
  );

  it("id_token alone: with no access token to reach userinfo, the ID token carries every IDENTITY claim", async () => {
    const back = await implicit(s, "id_token");
    expect(back.access_token).toBeUndefined();
    expect(await idClaims(s, back.id_token!)).toEqual({ id_local: local, id_department: "Engineering", id_groups: ["eng-a", "eng-b"] });
  });

  it("defaults alwaysIncludeInToken to true, so an ID token issued with an access token keeps the claim", async () => {
    const d = await claimsServer([{ name: "dflt", status: "ACTIVE", claimType: "IDENTITY", valueType: "EXPRESSION", value: '"d"', conditions: { scopes: [] } }]);
    expect(d.claims[0]).toMatchObject({ alwaysIncludeInToken: true });
    const back = await implicit(d, "id_token token", "openid");
    expect(await idClaims(d, back.id_token!)).toEqual({ dflt: "d" });
  });
});

describe("conditions.scopes", () => {
  let s: ClaimsServer;
  beforeAll(async () => {
    s = await claimsServer([
      expressionClaim("x_only", '"x"', { scopes: ["claims:x"] }),
      expressionClaim("x_or_email", '"xe"', { scopes: ["claims:x", "email"] }),
      expressionClaim("always", '"a"'),
      expressionClaim("x_identity", '"xi"', { claimType: "IDENTITY", scopes: ["claims:x"] }),
    ]);
  });

  // [scope requested, access token claims, ID token and userinfo claims]
  it.each<[string, Record<string, string>, Record<string, string>]>([
    ["openid profile", { always: "a" }, {}],
    ["openid email", { x_or_email: "xe", always: "a" }, {}],
    ["openid claims:x", { x_only: "x", x_or_email: "xe", always: "a" }, { x_identity: "xi" }],
    ["openid claims:y", { always: "a" }, {}],
  ])("code flow with %j", async (scope, access, identity) => {
    const tokens = await codeFlow(s, scope);
    expect(tokens.scope).toBe(scope);
    expect(await accessClaims(s, tokens.access_token)).toEqual(access);
    expect(await idClaims(s, tokens.id_token)).toEqual(identity);
    expect(await userinfoClaims(s, tokens.access_token)).toEqual(identity);
  });

  it.each<[string, Record<string, string>]>([
    ["claims:x", { x_only: "x", x_or_email: "xe", always: "a" }],
    ["claims:y", { always: "a" }],
  ])("client_credentials with %j", async (scope, access) => {
    expect(await accessClaims(s, await ccToken(s, scope))).toEqual(access);
  });
});

describe("claims that are left out", () => {
  let s: ClaimsServer;
  beforeAll(async () => {
    s = await claimsServer([
      expressionClaim("missing_attribute", "user.nickName"),
      expressionClaim("explicit_null", 'user.department == "Sales" ? "yes" : null'),
      expressionClaim("inactive", '"off"', { status: "INACTIVE" }),
      expressionClaim("bad_literal", 'Convert.toInt("abc")'),
      expressionClaim("bad_attribute", "Convert.toInt(user.employeeNumber)"),
      expressionClaim("kept", '"kept"'),
      expressionClaim("id_bad", "Convert.toInt(user.employeeNumber)", { claimType: "IDENTITY" }),
      expressionClaim("id_null", "user.nickName", { claimType: "IDENTITY" }),
      expressionClaim("id_kept", '"id-kept"', { claimType: "IDENTITY" }),
    ]);
  });
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => {
    log = captureLog();
  });

  it("omits claims that evaluate to null or are INACTIVE, without logging them", async () => {
    const tokens = await codeFlow(s);
    const access = await accessClaims(s, tokens.access_token);
    expect(access).toEqual({ kept: "kept" });
    const logged = evaluationFailures(log).map((e) => e.claim);
    expect(logged).not.toContain("missing_attribute");
    expect(logged).not.toContain("explicit_null");
    expect(logged).not.toContain("inactive");
  });

  it("still issues the tokens when an expression fails at token time, omits the claim and logs one JSON line for it", async () => {
    const tokens = await codeFlow(s);
    expect(tokens).toMatchObject({ token_type: "Bearer", access_token: expect.any(String), id_token: expect.any(String), refresh_token: expect.any(String) });
    expect(await accessClaims(s, tokens.access_token)).toEqual({ kept: "kept" });
    expect(await idClaims(s, tokens.id_token)).toEqual({ id_kept: "id-kept" });
    const failures = evaluationFailures(log);
    expect(failures.map((f) => f.claim).sort()).toEqual(["bad_attribute", "bad_literal", "id_bad"]);
    for (const f of failures) expect(f).toEqual({ event: "claim_evaluation_failed", claim: f.claim, error: "cannot convert 'abc' to an integer (at position 0)" });
  });

  it("answers userinfo without the failing claim", async () => {
    const tokens = await codeFlow(s);
    expect(await userinfoClaims(s, tokens.access_token)).toEqual({ id_kept: "id-kept" });
  });

  it("omits a failing claim from a client_credentials token and still issues it", async () => {
    expect(await accessClaims(s, await ccToken(s, "claims:x"))).toEqual({ kept: "kept" });
  });

  it("puts an INACTIVE claim in tokens once it is activated", async () => {
    const inactive = s.claims.find((c) => c.name === "inactive")!;
    await replaceClaim(s.id, inactive.id, { ...expressionClaim("inactive", '"off"'), status: "ACTIVE" });
    try {
      expect(await accessClaims(s, await ccToken(s, "claims:x"))).toEqual({ kept: "kept", inactive: "off" });
    } finally {
      await replaceClaim(s.id, inactive.id, expressionClaim("inactive", '"off"', { status: "INACTIVE" }));
    }
    expect(await accessClaims(s, await ccToken(s, "claims:x"))).toEqual({ kept: "kept" });
  });
});

describe("client_credentials: no user", () => {
  let s: ClaimsServer;
  beforeAll(async () => {
    s = await claimsServer([
      expressionClaim("email_local", EMAIL_LOCAL),
      expressionClaim("client", "app.clientId"),
      expressionClaim("label", "app.label"),
      // Okta's default sub expression: the client id when there is no user.
      expressionClaim("who", "(appuser != null) ? appuser.userName : app.clientId"),
      expressionClaim("granted", "access.scope"),
      expressionClaim("has_x", 'Arrays.contains(access.scope, "claims:x")'),
      groupsClaim("eng", "STARTS_WITH", "eng"),
      expressionClaim("id_client", "app.clientId", { claimType: "IDENTITY" }),
    ]);
  });

  it("leaves out claims about the user, keeps claims about the app and the granted scopes", async () => {
    const log = captureLog();
    const payload = await verifyAccessToken(s.id, s.audience, await ccToken(s, "claims:x claims:y"));
    expect(payload).toMatchObject({ sub: client.clientId, cid: client.clientId, scp: ["claims:x", "claims:y"] });
    expect(payload).not.toHaveProperty("uid");
    expect(customClaims(payload)).toEqual({
      client: client.clientId,
      label: client.app.label,
      who: client.clientId,
      granted: ["claims:x", "claims:y"],
      has_x: true,
    });
    // No user is not a failure: nothing is logged.
    expect(evaluationFailures(log)).toEqual([]);
  });

  it("evaluates access.scope against the scopes this token was granted", async () => {
    expect(await accessClaims(s, await ccToken(s, "claims:y"))).toMatchObject({ granted: ["claims:y"], has_x: false });
  });

  it("gives the same claims a person's values in a code-flow access token", async () => {
    const tokens = await codeFlow(s, "openid email claims:x");
    expect(await accessClaims(s, tokens.access_token)).toEqual({
      email_local: local,
      client: client.clientId,
      label: client.app.label,
      who: person.login,
      granted: ["openid", "email", "claims:x"],
      has_x: true,
      eng: ["eng-a", "eng-b"],
    });
    expect(await idClaims(s, tokens.id_token)).toEqual({ id_client: client.clientId });
  });
});

describe("claims changed through the API", () => {
  it("take effect on the next token in the same isolate (create, replace, deactivate, delete)", async () => {
    const s = await claimsServer([]);
    const next = async () => accessClaims(s, await ccToken(s, "claims:x"));
    // Warm this isolate's cache of the server first, so that a stale cache would show.
    expect(await next()).toEqual({});
    const claim = await createClaim(s.id, expressionClaim("tier", '"bronze"'));
    expect(await next()).toEqual({ tier: "bronze" });
    await replaceClaim(s.id, claim.id, expressionClaim("tier", 'String.toUpperCase("gold")'));
    expect(await next()).toEqual({ tier: "GOLD" });
    await replaceClaim(s.id, claim.id, expressionClaim("tier", '"gold"', { scopes: ["claims:y"] }));
    expect(await next()).toEqual({});
    await replaceClaim(s.id, claim.id, expressionClaim("level", '"gold"'));
    expect(await next()).toEqual({ level: "gold" });
    await replaceClaim(s.id, claim.id, expressionClaim("level", '"gold"', { status: "INACTIVE" }));
    expect(await next()).toEqual({});
    await replaceClaim(s.id, claim.id, expressionClaim("level", '"gold"'));
    expect(await next()).toEqual({ level: "gold" });
    await deleteClaim(s.id, claim.id);
    expect(await next()).toEqual({});
  });

  it("an IDENTITY claim replaced after sign-in shows its new value in the next ID token and userinfo", async () => {
    const s = await claimsServer([expressionClaim("access_level", '"reader"', { claimType: "IDENTITY" })]);
    const before = await codeFlow(s);
    expect(await idClaims(s, before.id_token)).toEqual({ access_level: "reader" });
    await replaceClaim(s.id, s.claims[0]!.id, expressionClaim("access_level", '"writer"', { claimType: "IDENTITY" }));
    // The access token issued before the change: userinfo evaluates the claims now.
    expect(await userinfoClaims(s, before.access_token)).toEqual({ access_level: "writer" });
    expect(await idClaims(s, (await codeFlow(s)).id_token)).toEqual({ access_level: "writer" });
  });
});

describe("refresh_token", () => {
  let s: ClaimsServer;
  beforeAll(async () => {
    s = await claimsServer([
      expressionClaim("email_local", EMAIL_LOCAL),
      groupsClaim("eng", "STARTS_WITH", "eng"),
      expressionClaim("x_only", '"x"', { scopes: ["claims:x"] }),
      expressionClaim("id_local", EMAIL_LOCAL, { claimType: "IDENTITY" }),
      expressionClaim("id_x", '"xi"', { claimType: "IDENTITY", scopes: ["claims:x"] }),
    ]);
  });

  it("keeps the claims in the refreshed access and ID tokens", async () => {
    const first = await codeFlow(s, `${PERSON_SCOPES} claims:x`);
    const refreshed = await tokenBody(await refresh(s.id, client, first.refresh_token));
    const access = { email_local: local, eng: ["eng-a", "eng-b"], x_only: "x" };
    const identity = { id_local: local, id_x: "xi" };
    expect(await accessClaims(s, first.access_token)).toEqual(access);
    expect(await accessClaims(s, refreshed.access_token)).toEqual(access);
    expect(await idClaims(s, first.id_token)).toEqual(identity);
    expect(await idClaims(s, refreshed.id_token)).toEqual(identity);
    // And again, from the rotated refresh token.
    const again = await tokenBody(await refresh(s.id, client, refreshed.refresh_token));
    expect(await accessClaims(s, again.access_token)).toEqual(access);
  });

  it("drops the claims of a scope the refresh narrows away", async () => {
    const first = await codeFlow(s, `${PERSON_SCOPES} claims:x`);
    const narrowed = await tokenBody(await refresh(s.id, client, first.refresh_token, "openid offline_access"));
    expect(narrowed.scope).toBe("openid offline_access");
    expect(await accessClaims(s, narrowed.access_token)).toEqual({ email_local: local, eng: ["eng-a", "eng-b"] });
    expect(await idClaims(s, narrowed.id_token)).toEqual({ id_local: local });
  });

  it("evaluates the claims afresh: a group joined after sign-in is in the refreshed token", async () => {
    const newcomer = await createPerson();
    const app = await webAppFor(newcomer);
    await addMember(groups["eng-a"]!.id, newcomer.id);
    const first = await codeFlow(s, PERSON_SCOPES, { client: app, person: newcomer });
    expect((await accessClaims(s, first.access_token)).eng).toEqual(["eng-a"]);
    await addMember(groups["eng-b"]!.id, newcomer.id);
    const refreshed = await tokenBody(await refresh(s.id, app, first.refresh_token));
    expect((await accessClaims(s, refreshed.access_token)).eng).toEqual(["eng-a", "eng-b"]);
  });
});
