import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { customClaims, expressionClaim, groupsClaim, verifyAccessToken, type GroupFilterType } from "../support/claims";
import { type Client } from "../support/clients";
import { verifyIdToken, type Person } from "../support/people";
import { accessClaims, claimsHelpers, claimsPerson, claimsServer, EMAIL_LOCAL, userinfoClaims, type ClaimsServer } from "../support/claims-in-tokens";

// Custom claims (Okta OAuth2Claim, REFERENCE 3.8) as clients see them: in access tokens (7.1), ID tokens (7.2)
// and userinfo (5.6), through the real endpoints, for people and for client_credentials.

let person: Person;
let client: Client;
let sid: string;
/** The local part of the person's email, what EMAIL_LOCAL yields. */
let local: string;

const { codeFlow, implicit, idClaims } = claimsHelpers(() => ({ person, client, sid }));

beforeAll(async () => {
  ({ person, client, sid, local } = await claimsPerson());
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
