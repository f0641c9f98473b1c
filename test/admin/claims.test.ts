import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listActiveClaims } from "../../src/store/claims";
import { admin, BASE, createServer } from "../support/admin";
import { expectOktaError, serverNotFound } from "../support/fixtures";
import { NOT_SUPPORTED } from "./body-errors";

const VALIDATION = "Api validation failed: OAuth2Claim";
const CLAIM_ID = /^ocl[0-9A-Za-z]{17}$/;

const claimsPath = (serverId: string) => `/authorizationServers/${serverId}/claims`;
const post = (serverId: string, json: unknown) => admin(claimsPath(serverId), { method: "POST", json });
const put = (serverId: string, claimId: string, json: unknown) => admin(`${claimsPath(serverId)}/${claimId}`, { method: "PUT", json });
const del = (serverId: string, claimId: string) => admin(`${claimsPath(serverId)}/${claimId}`, { method: "DELETE" });
const get = (serverId: string, claimId: string) => admin(`${claimsPath(serverId)}/${claimId}`);

async function create(serverId: string, json: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await post(serverId, json);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function list(serverId: string): Promise<Record<string, any>[]> {
  const res = await admin(claimsPath(serverId));
  expect(res.status).toBe(200);
  return res.json();
}

/** A server with the custom scope car:drive besides the system scopes. */
async function serverWithScope(): Promise<Record<string, any>> {
  const server = await createServer();
  const res = await admin(`/authorizationServers/${server.id}/scopes`, { method: "POST", json: { name: "car:drive" } });
  expect(res.status).toBe(201);
  return server;
}

const selfLink = (serverId: string, claimId: string) => ({
  self: { href: `${BASE}/api/v1/authorizationServers/${serverId}/claims/${claimId}`, hints: { allow: ["GET", "PUT", "DELETE"] } },
});

/** Okta's CreateCustomTokenClaimBody example (an object, not the array the spec shows). */
const OKTA_GROUPS_EXAMPLE = {
  alwaysIncludeInToken: true,
  claimType: "IDENTITY",
  conditions: { scopes: ["profile"] },
  group_filter_type: "CONTAINS",
  name: "Support",
  status: "ACTIVE",
  system: false,
  value: "Support",
  valueType: "GROUPS",
};

const expression = (name: string, value: string, extra: Record<string, unknown> = {}) => ({ name, claimType: "RESOURCE", valueType: "EXPRESSION", value, ...extra });

describe("claims: create, read, replace, delete", () => {
  it("creates Okta's example groups claim and answers with Okta's response shape", async () => {
    const server = await createServer();
    const claim = await create(server.id, OKTA_GROUPS_EXAMPLE);
    expect(claim.id).toMatch(CLAIM_ID);
    expect(claim).toEqual({
      id: claim.id,
      name: "Support",
      status: "ACTIVE",
      claimType: "IDENTITY",
      valueType: "GROUPS",
      value: "Support",
      conditions: { scopes: ["profile"] },
      system: false,
      alwaysIncludeInToken: true,
      apiResourceId: null,
      group_filter_type: "CONTAINS",
      _links: selfLink(server.id, claim.id),
    });
    const read = await get(server.id, claim.id);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(claim);
  });

  it("creates Okta's carDriving expression claim with the defaults for the fields left out", async () => {
    const server = await serverWithScope();
    const claim = await create(server.id, { name: "carDriving", claimType: "RESOURCE", valueType: "EXPRESSION", value: '"driving!"', conditions: { scopes: ["car:drive"] } });
    expect(claim).toEqual({
      id: claim.id,
      name: "carDriving",
      status: "ACTIVE",
      claimType: "RESOURCE",
      valueType: "EXPRESSION",
      value: '"driving!"',
      conditions: { scopes: ["car:drive"] },
      system: false,
      alwaysIncludeInToken: true,
      apiResourceId: null,
      _links: selfLink(server.id, claim.id),
    });
  });

  it.each<[string, Record<string, unknown>, { alwaysIncludeInToken: boolean; conditions: { scopes: string[] }; status: string }]>([
    ["no conditions means any scope", { claimType: "IDENTITY" }, { alwaysIncludeInToken: true, conditions: { scopes: [] }, status: "ACTIVE" }],
    ["conditions without scopes means any scope", { conditions: {} }, { alwaysIncludeInToken: true, conditions: { scopes: [] }, status: "ACTIVE" }],
    ["an ID token claim may leave the ID token for userinfo", { claimType: "IDENTITY", alwaysIncludeInToken: false }, { alwaysIncludeInToken: false, conditions: { scopes: [] }, status: "ACTIVE" }],
    ["an access token claim is always included (Okta)", { claimType: "RESOURCE", alwaysIncludeInToken: false }, { alwaysIncludeInToken: true, conditions: { scopes: [] }, status: "ACTIVE" }],
    ["the boolean may be a string, as in Okta's docs", { claimType: "IDENTITY", alwaysIncludeInToken: "false" }, { alwaysIncludeInToken: false, conditions: { scopes: [] }, status: "ACTIVE" }],
    ["a claim may be created INACTIVE", { status: "INACTIVE" }, { alwaysIncludeInToken: true, conditions: { scopes: [] }, status: "INACTIVE" }],
    ["repeated scopes are kept once", { conditions: { scopes: ["email", "profile", "email"] } }, { alwaysIncludeInToken: true, conditions: { scopes: ["email", "profile"] }, status: "ACTIVE" }],
  ])("%s", async (_, body, expected) => {
    const server = await createServer();
    const claim = await create(server.id, expression("c", "user.email", body));
    expect({ alwaysIncludeInToken: claim.alwaysIncludeInToken, conditions: claim.conditions, status: claim.status }).toEqual(expected);
  });

  it("lists every claim of the server in creation order, without paging", async () => {
    const server = await createServer();
    expect(await list(server.id)).toEqual([]);
    const a = await create(server.id, expression("a", "user.email"));
    const b = await create(server.id, OKTA_GROUPS_EXAMPLE);
    const c = await create(server.id, expression("a", "user.login", { claimType: "IDENTITY" }));
    const res = await admin(claimsPath(server.id));
    expect(res.headers.get("Link")).toBeNull();
    expect(await res.json()).toEqual([a, b, c]);
    // Another server's claims stay apart.
    expect(await list((await createServer()).id)).toEqual([]);
  });

  it("replaces a claim with Okta's replace example and keeps its status when the body has none", async () => {
    const server = await createServer();
    const claim = await create(server.id, { ...OKTA_GROUPS_EXAMPLE, status: "INACTIVE" });
    const { status: _, ...replacement } = { ...OKTA_GROUPS_EXAMPLE, name: "Knowledge_Base", value: "Knowledge Base" };
    const res = await put(server.id, claim.id, replacement);
    expect(res.status).toBe(200);
    const replaced = await res.json();
    expect(replaced).toEqual({ ...claim, name: "Knowledge_Base", value: "Knowledge Base", status: "INACTIVE" });
    expect(await (await get(server.id, claim.id)).json()).toEqual(replaced);
  });

  it("replaces every field: a groups claim becomes an expression claim with no filter type and no scope condition", async () => {
    const server = await createServer();
    const claim = await create(server.id, OKTA_GROUPS_EXAMPLE);
    const res = await put(server.id, claim.id, { name: "dept", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.department", status: "ACTIVE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: claim.id,
      name: "dept",
      status: "ACTIVE",
      claimType: "RESOURCE",
      valueType: "EXPRESSION",
      value: "user.department",
      conditions: { scopes: [] },
      system: false,
      alwaysIncludeInToken: true,
      apiResourceId: null,
      _links: selfLink(server.id, claim.id),
    });
  });

  it("deletes a claim", async () => {
    const server = await createServer();
    const keep = await create(server.id, expression("keep", "user.email"));
    const claim = await create(server.id, expression("gone", "user.email"));
    const res = await del(server.id, claim.id);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectOktaError(await get(server.id, claim.id), 404, "E0000007", `Not found: Resource not found: ${claim.id} (OAuth2Claim)`);
    expect(await list(server.id)).toEqual([keep]);
  });

  it("allows one name in both token types but not twice in one", async () => {
    const server = await createServer();
    await create(server.id, expression("dept", "user.department"));
    await create(server.id, expression("dept", "user.department", { claimType: "IDENTITY" }));
    await expectOktaError(await post(server.id, expression("dept", "user.login")), 400, "E0000001", VALIDATION, [
      "name: A RESOURCE claim named 'dept' already exists on this authorization server",
    ]);
  });

  it("refuses to rename a claim to a name its token type already uses", async () => {
    const server = await createServer();
    await create(server.id, expression("taken", "user.email"));
    const other = await create(server.id, expression("other", "user.email"));
    await expectOktaError(await put(server.id, other.id, expression("taken", "user.email")), 400, "E0000001", VALIDATION, [
      "name: A RESOURCE claim named 'taken' already exists on this authorization server",
    ]);
    // Keeping its own name is no conflict.
    expect((await put(server.id, other.id, expression("other", "user.login"))).status).toBe(200);
  });

  it("stores claims for the token endpoint: only ACTIVE ones, as domain records", async () => {
    const server = await serverWithScope();
    const on = await create(server.id, expression("on", "user.email", { conditions: { scopes: ["car:drive"] } }));
    await create(server.id, expression("off", "user.email", { status: "INACTIVE" }));
    const groups = await create(server.id, { ...OKTA_GROUPS_EXAMPLE, alwaysIncludeInToken: false });
    expect(await listActiveClaims(env.DB, server.id)).toEqual([
      { id: on.id, name: "on", status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: "user.email", groupFilterType: null, alwaysIncludeInToken: true, scopes: ["car:drive"], system: false },
      { id: groups.id, name: "Support", status: "ACTIVE", claimType: "IDENTITY", valueType: "GROUPS", value: "Support", groupFilterType: "CONTAINS", alwaysIncludeInToken: false, scopes: ["profile"], system: false },
    ]);
  });
});

describe("claims: validation", () => {
  it.each<[string, unknown, string[]]>([
    ["an empty body", {}, ["name: The field is required", "claimType: The field is required", "valueType: The field is required", "value: The field is required"]],
    ["wrong types", { name: 1, claimType: "ACCESS", valueType: "LITERAL", value: true, status: "ON" }, [
      "name: Expected a string",
      "status: Expected one of ACTIVE, INACTIVE",
      "claimType: Expected one of RESOURCE, IDENTITY",
      "valueType: Expected one of EXPRESSION, GROUPS, SYSTEM",
      "value: Expected a string",
    ]],
    ["a blank name and value", expression("", ""), ["name: The field cannot be left blank", "value: The field cannot be left blank"]],
    ["a name with a space", expression("my claim", "user.email"), ["name: A claim name cannot contain whitespace or control characters"]],
    ["a long name", expression("n".repeat(256), "user.email"), ["name: A claim name can be at most 255 characters"]],
    ["a long value", expression("v", `"${"x".repeat(1023)}"`), ["value: A value can be at most 1024 characters"]],
    ["a bad group filter type", { ...OKTA_GROUPS_EXAMPLE, group_filter_type: "ENDS_WITH" }, ["group_filter_type: Expected one of STARTS_WITH, EQUALS, CONTAINS, REGEX"]],
    ["a non-boolean alwaysIncludeInToken", expression("v", "user.email", { alwaysIncludeInToken: "yes" }), ["alwaysIncludeInToken: Expected a boolean"]],
    ["conditions that are not an object", expression("v", "user.email", { conditions: ["profile"] }), ["conditions: Expected an object"]],
    ["scopes that are not a list", expression("v", "user.email", { conditions: { scopes: "profile" } }), ["conditions.scopes: Expected an array of scope names"]],
    ["a blank scope", expression("v", "user.email", { conditions: { scopes: [""] } }), ["conditions.scopes.0: A scope cannot be blank"]],
  ])("refuses %s", async (_, body, causes) => {
    const server = await createServer();
    await expectOktaError(await post(server.id, body), 400, "E0000001", VALIDATION, causes);
  });

  it.each<[string, string, string]>([
    ["sub", "RESOURCE", "access tokens"],
    ["iss", "RESOURCE", "access tokens"],
    ["scp", "RESOURCE", "access tokens"],
    ["cid", "RESOURCE", "access tokens"],
    ["uid", "RESOURCE", "access tokens"],
    ["client_id", "RESOURCE", "access tokens"],
    ["sub", "IDENTITY", "ID tokens"],
    ["aud", "IDENTITY", "ID tokens"],
    ["nonce", "IDENTITY", "ID tokens"],
    ["at_hash", "IDENTITY", "ID tokens"],
    ["auth_time", "IDENTITY", "ID tokens"],
    ["email", "IDENTITY", "ID tokens"],
    ["preferred_username", "IDENTITY", "ID tokens"],
  ])("refuses the reserved name %s for a %s claim", async (name, claimType, token) => {
    const server = await createServer();
    await expectOktaError(await post(server.id, expression(name, "user.email", { claimType })), 400, "E0000001", VALIDATION, [
      `name: '${name}' is a reserved claim name in ${token}`,
    ]);
  });

  it.each<[string, string]>([
    ["email", "RESOURCE"],
    ["groups", "RESOURCE"],
    ["groups", "IDENTITY"],
    ["Sub", "RESOURCE"],
  ])("accepts the name %s for a %s claim", async (name, claimType) => {
    const server = await createServer();
    expect((await create(server.id, expression(name, "user.email", { claimType }))).name).toBe(name);
  });

  it.each<[string, string]>([
    ["user.email ; 1", "value: unexpected character ';' at position 11"],
    ['String.substringBefore(user.email "@")', "value: unexpected string literal at position 34"],
    ["String.foo(user.email)", "value: unknown function 'String.foo' at position 0"],
    ["1 +", "value: unexpected end of expression at position 3"],
    ["   ", "value: expression is empty at position 0"],
  ])("refuses the expression %j, pointing at the problem", async (value, cause) => {
    const server = await createServer();
    await expectOktaError(await post(server.id, expression("v", value)), 400, "E0000001", VALIDATION, [cause]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a GROUPS claim without a filter type", { valueType: "GROUPS", value: "eng" }, "group_filter_type: The field is required when valueType is GROUPS"],
    ["a null filter type on a GROUPS claim", { valueType: "GROUPS", value: "eng", group_filter_type: null }, "group_filter_type: The field is required when valueType is GROUPS"],
    ["a filter type on an EXPRESSION claim", { valueType: "EXPRESSION", value: "user.email", group_filter_type: "EQUALS" }, "group_filter_type: Only allowed when valueType is GROUPS"],
    ["a SYSTEM claim", { valueType: "SYSTEM", value: "user.email" }, "valueType: SYSTEM claims are created by the server and cannot be written"],
    ["an unsafe REGEX", { valueType: "GROUPS", value: "(a+)+", group_filter_type: "REGEX" }, "value: invalid pattern: nested quantifiers can backtrack catastrophically at position 1"],
    ["a lookaround REGEX", { valueType: "GROUPS", value: "(?=a)b", group_filter_type: "REGEX" }, "value: invalid pattern: lookaround, atomic groups and inline flags are not allowed at position 0"],
  ])("refuses %s", async (_, body, cause) => {
    const server = await createServer();
    await expectOktaError(await post(server.id, { name: "g", claimType: "IDENTITY", ...body }), 400, "E0000001", VALIDATION, [cause]);
  });

  it("accepts a GROUPS value that is not an expression, and a safe REGEX", async () => {
    const server = await createServer();
    expect((await create(server.id, { ...OKTA_GROUPS_EXAMPLE, name: "kb", value: "Knowledge Base", group_filter_type: "EQUALS" })).value).toBe("Knowledge Base");
    expect((await create(server.id, { ...OKTA_GROUPS_EXAMPLE, name: "re", value: "[a-z0-9_-]{3,16}", group_filter_type: "REGEX" })).group_filter_type).toBe("REGEX");
  });

  it("refuses scopes the server does not define", async () => {
    const server = await serverWithScope();
    await expectOktaError(
      await post(server.id, expression("v", "user.email", { conditions: { scopes: ["car:drive", "car:fly", "profile", "*"] } })),
      400,
      "E0000001",
      VALIDATION,
      ["conditions.scopes: 'car:fly' is not a scope of this authorization server", "conditions.scopes: '*' is not a scope of this authorization server"],
    );
  });

  it("reports every problem of a body at once", async () => {
    const server = await createServer();
    await expectOktaError(
      await post(server.id, { name: "sub", claimType: "RESOURCE", valueType: "EXPRESSION", value: "1 +", group_filter_type: "EQUALS", conditions: { scopes: ["nope"] } }),
      400,
      "E0000001",
      VALIDATION,
      [
        "name: 'sub' is a reserved claim name in access tokens",
        "group_filter_type: Only allowed when valueType is GROUPS",
        "value: unexpected end of expression at position 3",
        "conditions.scopes: 'nope' is not a scope of this authorization server",
      ],
    );
    expect(await list(server.id)).toEqual([]);
  });

  it("validates a replacement as it validates a new claim, leaving the claim as it was", async () => {
    const server = await createServer();
    const claim = await create(server.id, expression("v", "user.email"));
    await expectOktaError(await put(server.id, claim.id, expression("uid", "user.email ; 1")), 400, "E0000001", VALIDATION, [
      "name: 'uid' is a reserved claim name in access tokens",
      "value: unexpected character ';' at position 11",
    ]);
    expect(await (await get(server.id, claim.id)).json()).toEqual(claim);
  });

  it("requires a JSON body", async () => {
    const server = await createServer();
    const res = await admin(claimsPath(server.id), { method: "POST", body: "name=x" });
    await expectOktaError(res, 400, ...NOT_SUPPORTED, ['Content-Type: expected application/json, got "text/plain;charset=UTF-8"']);
  });
});

describe("claims: unknown servers and claims", () => {
  const MISSING_SERVER = "ausNoSuchServer00000";
  const MISSING_CLAIM = "oclNoSuchClaim000000";
  const body = expression("v", "user.email");

  it.each<[string, () => Promise<Response>]>([
    ["list", () => admin(claimsPath(MISSING_SERVER))],
    ["create", () => post(MISSING_SERVER, body)],
    ["get", () => get(MISSING_SERVER, MISSING_CLAIM)],
    ["replace", () => put(MISSING_SERVER, MISSING_CLAIM, body)],
    ["delete", () => del(MISSING_SERVER, MISSING_CLAIM)],
  ])("%s on an unknown server is 404", async (_, send) => {
    await expectOktaError(await send(), 404, ...serverNotFound(MISSING_SERVER));
  });

  it.each<[string, (serverId: string, claimId: string) => Promise<Response>]>([
    ["get", (s, c) => get(s, c)],
    // The claim is looked up before the body is read: an unknown claim is 404 whatever the body says.
    ["replace", (s, c) => put(s, c, { name: "" })],
    ["delete", (s, c) => del(s, c)],
  ])("%s of an unknown claim is 404", async (_, send) => {
    const server = await createServer();
    await expectOktaError(await send(server.id, MISSING_CLAIM), 404, "E0000007", `Not found: Resource not found: ${MISSING_CLAIM} (OAuth2Claim)`);
  });

  it("does not reach a claim through another server", async () => {
    const owner = await createServer();
    const other = await createServer();
    const claim = await create(owner.id, body);
    const notFound = `Not found: Resource not found: ${claim.id} (OAuth2Claim)`;
    await expectOktaError(await get(other.id, claim.id), 404, "E0000007", notFound);
    await expectOktaError(await put(other.id, claim.id, body), 404, "E0000007", notFound);
    await expectOktaError(await del(other.id, claim.id), 404, "E0000007", notFound);
    expect((await get(owner.id, claim.id)).status).toBe(200);
  });
});
