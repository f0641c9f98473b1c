import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createClaim, customClaims, deleteClaim, expressionClaim, groupsClaim, replaceClaim, verifyAccessToken } from "../support/claims";
import { tokenBody, type Client, type Json } from "../support/clients";
import { addMember, createPerson, refresh, type Person } from "../support/people";
import {
  accessClaims,
  captureLog,
  claimsHelpers,
  claimsPerson,
  claimsServer,
  EMAIL_LOCAL,
  evaluationFailures,
  PERSON_SCOPES,
  userinfoClaims,
  webAppFor,
  type ClaimsServer,
} from "../support/claims-in-tokens";

// Custom claims (Okta OAuth2Claim, REFERENCE 3.8) as clients see them: in access tokens (7.1), ID tokens (7.2)
// and userinfo (5.6), through the real endpoints, for people and for client_credentials.

let person: Person;
let client: Client;
let sid: string;
/** The local part of the person's email, what EMAIL_LOCAL yields. */
let local: string;
/** The groups eng-a, eng-b and ops, by name. */
let groups: Record<string, Json>;

const { codeFlow, idClaims, ccToken } = claimsHelpers(() => ({ person, client, sid }));

beforeAll(async () => {
  ({ person, client, sid, local, groups } = await claimsPerson());
});

afterEach(() => {
  vi.restoreAllMocks();
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
