import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expressionClaim, replaceClaim } from "../support/claims";
import { type Client } from "../support/clients";
import { type Person } from "../support/people";
import { accessClaims, captureLog, claimsHelpers, claimsPerson, claimsServer, evaluationFailures, userinfoClaims, type ClaimsServer } from "../support/claims-in-tokens";

// Custom claims (Okta OAuth2Claim, REFERENCE 3.8) as clients see them: in access tokens (7.1), ID tokens (7.2)
// and userinfo (5.6), through the real endpoints, for people and for client_credentials.

let person: Person;
let client: Client;
let sid: string;

const { codeFlow, idClaims, ccToken } = claimsHelpers(() => ({ person, client, sid }));

beforeAll(async () => {
  ({ person, client, sid } = await claimsPerson());
});

afterEach(() => {
  vi.restoreAllMocks();
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
