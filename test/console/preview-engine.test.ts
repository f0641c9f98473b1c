import { describe, expect, it } from "vitest";
import { prepareClaims } from "../../src/policy/claims/custom-claims";
import type { PolicyConfig, RuleConfig } from "../../src/policy/types";
import type { AppRecord } from "../../src/store/apps";
import type { ScopeRecord } from "../../src/store/scopes";
import type { UserRecord } from "../../src/store/users";
import { previewTokens, type PreviewInput } from "../../src/console/preview-engine";

const NOW = Date.parse("2026-12-07T10:00:00Z");
const scope = (name: string, system = false): ScopeRecord =>
  ({ id: `scp${name}`, authServerId: "aus1", name, displayName: name, description: null, consent: "IMPLICIT", isDefault: false, metadataPublish: "ALL_CLIENTS", system, optional: false, created: "", lastUpdated: "" }) as ScopeRecord;
const rule = (o: Partial<RuleConfig>): RuleConfig => ({
  id: "0pr1",
  name: "Rule",
  priority: 1,
  status: "ACTIVE",
  people: { users: { include: [], exclude: [] }, groups: { include: ["EVERYONE"], exclude: [] } },
  grantTypes: ["client_credentials", "authorization_code"],
  scopes: ["orders:read"],
  token: { accessTokenLifetimeMinutes: 30, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
  ...o,
});
const policy = (rules: RuleConfig[], o: Partial<PolicyConfig> = {}): PolicyConfig => ({ id: "00p1", name: "Orders", priority: 1, status: "ACTIVE", clients: ["ALL_CLIENTS"], rules, ...o });
const client = {
  id: "0oa1",
  clientId: "client-1",
  label: "Orders app",
  status: "ACTIVE",
  settings: { grant_types: ["client_credentials", "authorization_code"] },
} as unknown as AppRecord;
const ada = { id: "00u1", status: "ACTIVE", profile: { login: "ada@example.com", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" }, lastUpdated: "2026-12-01T00:00:00.000Z" } as unknown as UserRecord;

const input = (o: Partial<PreviewInput> = {}): PreviewInput => ({
  issuer: "https://id.example/oauth2/aus1",
  audience: "api://orders",
  scopes: [scope("openid", true), scope("profile", true), scope("orders:read")],
  policies: [policy([rule({})])],
  claims: prepareClaims([
    { id: "ocl1", name: "tenant", status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: '"acme:" + app.clientId', groupFilterType: null, alwaysIncludeInToken: true, scopes: [], system: false },
    { id: "ocl2", name: "mail", status: "ACTIVE", claimType: "IDENTITY", valueType: "EXPRESSION", value: "user.profile.email", groupFilterType: null, alwaysIncludeInToken: true, scopes: [], system: false },
  ]),
  client,
  grantType: "client_credentials",
  requested: ["orders:read"],
  user: null,
  now: NOW,
  ...o,
});

describe("token preview", () => {
  it("names the matching policy and rule and decodes the access token it would issue, with custom claims", () => {
    const r = previewTokens(input());
    expect(r.refused).toEqual([]);
    expect({ policy: r.policyName, rule: r.ruleName }).toEqual({ policy: "Orders", rule: "Rule" });
    expect(r.accessToken).toEqual({
      tenant: "acme:client-1",
      ver: 1,
      jti: "AT.(preview: not issued)",
      iss: "https://id.example/oauth2/aus1",
      aud: "api://orders",
      iat: NOW / 1000,
      exp: NOW / 1000 + 1800,
      cid: "client-1",
      scp: ["orders:read"],
      sub: "client-1",
    });
    expect(r.idToken).toBeUndefined();
  });

  it("decodes the ID token for a person, with the profile claims of the scopes and identity claims", () => {
    const r = previewTokens(input({ grantType: "authorization_code", requested: ["openid", "profile", "orders:read"], user: { record: ada, groups: [], assigned: true } }));
    expect(r.accessToken).toMatchObject({ uid: "00u1", sub: "ada@example.com", scp: ["openid", "profile", "orders:read"] });
    expect(r.idToken).toMatchObject({ sub: "00u1", aud: "client-1", mail: "ada@example.com", name: "Ada Lovelace", preferred_username: "ada@example.com", amr: ["pwd"] });
  });

  it("says why no rule matches, rule by rule", () => {
    const r = previewTokens(
      input({ policies: [policy([rule({ name: "People only", grantTypes: ["authorization_code"] }), rule({ id: "0pr2", name: "Other scopes", priority: 2, scopes: ["orders:write"] })])] }),
    );
    expect(r.decision).toEqual({ kind: "no_rule", policyId: "00p1" });
    expect(r.explanations[0]!.rules).toEqual([
      { name: "People only", priority: 1, reasons: ["grant type client_credentials is not one of authorization_code"] },
      { name: "Other scopes", priority: 2, reasons: ["the rule does not allow every requested scope (allows orders:write)"] },
    ]);
    expect(r.accessToken).toBeUndefined();
  });

  it("reports no policy for a client no policy covers", () => {
    const r = previewTokens(input({ policies: [policy([rule({})], { clients: ["someone-else"] })] }));
    expect(r.decision).toEqual({ kind: "no_policy" });
    expect(r.explanations[0]!.covers).toBe(false);
  });

  it("refuses before policy what the token endpoint refuses: unknown scopes, grants the app lacks, unassigned people", () => {
    expect(previewTokens(input({ requested: ["nope"] })).refused).toEqual(["invalid_scope: not configured on this authorization server: nope."]);
    expect(previewTokens(input({ grantType: "implicit" })).refused[0]).toBe("unauthorized_client: the application is not allowed to use the implicit grant.");
    expect(previewTokens(input({ grantType: "authorization_code", user: { record: ada, groups: [], assigned: false } })).refused).toEqual([
      "access_denied: the person is not assigned to the application.",
    ]);
  });
});
