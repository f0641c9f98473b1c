import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PBKDF2_ITERATIONS, hashSecret, verifySecret } from "../../src/secrets";
import { getUser, getUserByLogin, recordLogin } from "../../src/store/users";
import { admin, BASE } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";
import { NOT_SUPPORTED } from "./body-errors";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const PASSWORD = "Tr0ub4dor&3x";
const VALIDATION = "Api validation failed: User";

let counter = 0;
/** A fresh, unique login (users share one D1 database within this file). */
const login = (prefix = "user") => `${prefix}.${Date.now().toString(36)}${(counter++).toString(36)}@example.com`;

const profileFor = (l: string, extra: Record<string, unknown> = {}) => ({ login: l, email: l, firstName: "Isaac", lastName: "Brock", ...extra });

const post = (json: unknown, query = "") => admin(`/users${query}`, { method: "POST", json });
const lifecycle = (id: string, op: string) => admin(`/users/${id}/lifecycle/${op}`, { method: "POST" });

async function createUser(opts: { login?: string; password?: string | null; query?: string; extra?: Record<string, unknown> } = {}) {
  const l = opts.login ?? login();
  const body: Record<string, unknown> = { profile: profileFor(l, opts.extra) };
  if (opts.password !== null) body.credentials = { password: { value: opts.password ?? PASSWORD } };
  const res = await post(body, opts.query ?? "");
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

async function getUserJson(id: string) {
  const res = await admin(`/users/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

const userLinks = (id: string, ...ops: string[]) => ({
  self: { href: `${BASE}/api/v1/users/${id}` },
  ...Object.fromEntries(ops.map((op) => [op, { href: `${BASE}/api/v1/users/${id}/lifecycle/${op}`, method: "POST" }])),
});

const notFoundUser = (id: string) => [404, "E0000007", `Not found: Resource not found: ${id} (User)`] as const;

describe("PBKDF2 iteration cap (src/secrets.ts)", () => {
  async function derive(iterations: number) {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("pw"), "PBKDF2", false, ["deriveBits"]);
    return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations }, key, 256);
  }

  it("derives with 100,000 iterations, the count hashSecret uses", async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect((await derive(100_000)).byteLength).toBe(32);
    expect((await hashSecret("s3cret")).split("$").slice(0, 2)).toEqual(["pbkdf2-sha256", "100000"]);
  });

  // Cloudflare's production runtime refuses more than 100,000 iterations (workerd's DEFAULT_MAX_PBKDF2_ITERATIONS,
  // "NotSupportedError: Pbkdf2 failed: iteration counts above 100000 are not supported"), but open-source workerd,
  // which these tests run in, lifts that limit (cloudflare/workerd#1346). So a higher count would pass here and fail
  // in production: this test pins the local behaviour so that the constant above stays the guard.
  it("is not enforced by local workerd, so the tests cannot catch a count above 100,000", async () => {
    expect((await derive(100_001)).byteLength).toBe(32);
  });

  it("verifySecret refuses a stored hash above the cap without deriving it", async () => {
    const stored = await hashSecret("s3cret");
    expect(await verifySecret("s3cret", stored)).toBe(true);
    expect(await verifySecret("s3cret", stored.replace("$100000$", "$100001$"))).toBe(false);
  });
});

describe("users: create and read", () => {
  it("creates an ACTIVE user with a password, in Okta's shape, without secret material", async () => {
    const l = login("isaac");
    const res = await post({ profile: profileFor(l, { locale: "en_US", employeeNumber: "42" }), credentials: { password: { value: PASSWORD } } });
    expect(res.status).toBe(200);
    const user = (await res.json()) as Record<string, any>;
    expect(user.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(user.created).toMatch(ISO_MS);
    expect(user).toEqual({
      id: user.id,
      status: "ACTIVE",
      created: user.created,
      activated: user.created,
      statusChanged: user.created,
      lastLogin: null,
      lastUpdated: user.created,
      passwordChanged: user.created,
      type: { id: "otydefault0000000000" },
      profile: { login: l, email: l, firstName: "Isaac", lastName: "Brock", locale: "en_US", employeeNumber: "42" },
      credentials: { password: {}, emails: [{ value: l, status: "UNVERIFIED", type: "PRIMARY" }], provider: { type: "OKTA", name: "OKTA" } },
      _links: userLinks(user.id, "suspend", "deactivate"),
    });
    expect(JSON.stringify(user)).not.toContain(PASSWORD);
    expect(await getUserJson(user.id)).toEqual(user);
  });

  it("stores the password as a PBKDF2 hash that verifies", async () => {
    const user = await createUser();
    const record = await getUser(env.DB, user.id);
    expect(record!.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(await verifySecret(PASSWORD, record!.passwordHash!)).toBe(true);
  });

  it("makes a user activated without a password PROVISIONED (Okta: a password is needed to be ACTIVE)", async () => {
    const user = await createUser({ password: null });
    expect(user.status).toBe("PROVISIONED");
    expect(user.activated).toBeNull();
    expect(user.statusChanged).toBe(user.created);
    expect(user.passwordChanged).toBeNull();
    expect(user.credentials).toEqual({ emails: [{ value: user.profile.email, status: "UNVERIFIED", type: "PRIMARY" }], provider: { type: "OKTA", name: "OKTA" } });
    expect(user._links).toEqual(userLinks(user.id, "deactivate"));
  });

  it.each([["with", PASSWORD], ["without", null]])("stages a user created %s a password when activate=false", async (_, password) => {
    const user = await createUser({ password, query: "?activate=false" });
    expect(user.status).toBe("STAGED");
    expect(user.activated).toBeNull();
    expect(user.statusChanged).toBeNull();
    expect(user._links).toEqual(userLinks(user.id, "activate", "deactivate"));
  });

  it("reads a user by login, case-insensitively", async () => {
    const user = await createUser({ login: login("Mixed.Case") });
    expect(await getUserJson(encodeURIComponent(user.profile.login.toUpperCase()))).toEqual(user);
    expect((await getUserByLogin(env.DB, user.profile.login.toLowerCase()))!.id).toBe(user.id);
  });

  it("accepts a login that is not an email address", async () => {
    const res = await post({ profile: { login: `plain-${counter++}-${Date.now()}`, email: "plain@example.com", firstName: "P", lastName: "L" } });
    expect(res.status).toBe(200);
  });

  it("answers 404 for an unknown id or login", async () => {
    await expectOktaError(await admin("/users/00uNoSuchUser0000000"), ...notFoundUser("00uNoSuchUser0000000"));
    await expectOktaError(await admin("/users/nobody@example.com"), ...notFoundUser("nobody@example.com"));
  });
});

describe("users: validation", () => {
  it("names every missing required profile field", async () => {
    await expectOktaError(await post({ profile: {} }), 400, "E0000001", VALIDATION, [
      "profile.login: The field cannot be left blank",
      "profile.email: The field cannot be left blank",
      "profile.firstName: The field cannot be left blank",
      "profile.lastName: The field cannot be left blank",
    ]);
  });

  it("requires a profile", async () => {
    await expectOktaError(await post({ credentials: { password: { value: PASSWORD } } }), 400, "E0000001", VALIDATION, [
      "profile: Invalid input: expected object, received undefined",
    ]);
  });

  it("checks the length and form of login and email", async () => {
    await expectOktaError(await post({ profile: { login: "abc", email: "not-an-email", firstName: "A", lastName: "B" } }), 400, "E0000001", VALIDATION, [
      "profile.login: must be at least 5 characters",
      "profile.email: Does not match required pattern",
    ]);
    await expectOktaError(await post({ profile: { login: "has space@example.com", email: "a@example.com", firstName: "A", lastName: "B" } }), 400, "E0000001", VALIDATION, [
      "profile.login: must not contain whitespace or control characters",
    ]);
    await expectOktaError(await post({ profile: { ...profileFor(login()), login: `${"x".repeat(95)}@e.com` } }), 400, "E0000001", VALIDATION, [
      "profile.login: must be at most 100 characters",
    ]);
  });

  it("refuses a custom attribute that is an object", async () => {
    await expectOktaError(await post({ profile: profileFor(login(), { address: { city: "Paris" } }) }), 400, "E0000001", VALIDATION, [
      "profile.address: Invalid input",
    ]);
  });

  it("refuses a password that does not meet Okta's default policy", async () => {
    const l = login("weak");
    const cause = "credentials.password.value: Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.";
    for (const value of ["short1A", "alllowercase1", "ALLUPPER1", "NoDigitsHere", `${l.split("@")[0]}A1`]) {
      await expectOktaError(await post({ profile: profileFor(l), credentials: { password: { value } } }), 400, "E0000001", "Api validation failed: password", [cause]);
    }
    expect(await getUserByLogin(env.DB, l)).toBeNull();
  });

  it("refuses a login already taken, whatever its case", async () => {
    const user = await createUser();
    const res = await post({ profile: profileFor(user.profile.login.toUpperCase()) });
    await expectOktaError(res, 400, "E0000001", "Api validation failed: login", ["login: An object with this field already exists in the current organization"]);
  });

  it("refuses an activate value other than true or false", async () => {
    await expectOktaError(await post({ profile: profileFor(login()) }, "?activate=yes"), 400, "E0000001", VALIDATION, [
      'activate: Invalid option: expected one of "true"|"false"',
    ]);
  });

  it("requires a JSON body", async () => {
    const res = await admin("/users", { method: "POST", body: "login=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    await expectOktaError(res, 400, ...NOT_SUPPORTED, ['Content-Type: expected application/json, got "application/x-www-form-urlencoded"']);
  });
});

describe("users: update", () => {
  it("merges a partial profile on POST and keeps the rest", async () => {
    const user = await createUser({ extra: { nickName: "Ike" } });
    const res = await admin(`/users/${user.id}`, { method: "POST", json: { profile: { firstName: "Ike", mobilePhone: "+1 555 0100" } } });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Record<string, any>;
    expect(updated.profile).toEqual({ ...user.profile, firstName: "Ike", mobilePhone: "+1 555 0100" });
    expect(updated.lastUpdated >= user.lastUpdated).toBe(true);
    expect(updated.passwordChanged).toBe(user.passwordChanged);
    expect(await getUserJson(user.id)).toEqual(updated);
  });

  it("replaces the whole profile on PUT, dropping attributes left out", async () => {
    const user = await createUser({ extra: { nickName: "Ike" } });
    const profile = profileFor(user.profile.login, { firstName: "Isaac K." });
    const res = await admin(`/users/${user.id}`, { method: "PUT", json: { profile } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, any>).profile).toEqual(profile);
  });

  it("refuses a PUT without the required profile fields", async () => {
    const user = await createUser();
    await expectOktaError(await admin(`/users/${user.id}`, { method: "PUT", json: { profile: { firstName: "Only" } } }), 400, "E0000001", VALIDATION, [
      "profile.login: The field cannot be left blank",
      "profile.email: The field cannot be left blank",
      "profile.lastName: The field cannot be left blank",
    ]);
  });

  it("refuses a partial update that blanks a required field", async () => {
    const user = await createUser();
    await expectOktaError(await admin(`/users/${user.id}`, { method: "POST", json: { profile: { lastName: null } } }), 400, "E0000001", VALIDATION, [
      "profile.lastName: The field cannot be left blank",
    ]);
  });

  it("changes the login, keeping it unique case-insensitively", async () => {
    const a = await createUser();
    const b = await createUser();
    const renamed = login("renamed");
    const res = await admin(`/users/${a.id}`, { method: "POST", json: { profile: { login: renamed } } });
    expect(res.status).toBe(200);
    expect((await getUserByLogin(env.DB, renamed))!.id).toBe(a.id);
    await expectOktaError(
      await admin(`/users/${b.id}`, { method: "POST", json: { profile: { login: renamed.toUpperCase() } } }),
      400, "E0000001", "Api validation failed: login", ["login: An object with this field already exists in the current organization"],
    );
  });

  it("sets a password, which makes a PROVISIONED user ACTIVE", async () => {
    const user = await createUser({ password: null });
    const res = await admin(`/users/${user.id}`, { method: "POST", json: { credentials: { password: { value: PASSWORD } } } });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Record<string, any>;
    expect(updated.status).toBe("ACTIVE");
    expect(updated.activated).toMatch(ISO_MS);
    expect(updated.passwordChanged).toMatch(ISO_MS);
    expect(updated.credentials.password).toEqual({});
    expect(await verifySecret(PASSWORD, (await getUser(env.DB, user.id))!.passwordHash!)).toBe(true);
  });

  it("answers 404 when updating an unknown user", async () => {
    await expectOktaError(await admin("/users/00uNoSuchUser0000000", { method: "POST", json: { profile: {} } }), ...notFoundUser("00uNoSuchUser0000000"));
    await expectOktaError(await admin("/users/00uNoSuchUser0000000", { method: "PUT", json: { profile: {} } }), ...notFoundUser("00uNoSuchUser0000000"));
  });
});

describe("users: lifecycle", () => {
  it("activates a STAGED user with a password to ACTIVE, and one without to PROVISIONED", async () => {
    const withPw = await createUser({ query: "?activate=false" });
    expect((await lifecycle(withPw.id, "activate")).status).toBe(200);
    const active = await getUserJson(withPw.id);
    expect(active.status).toBe("ACTIVE");
    expect(active.activated).toBe(active.statusChanged);

    const withoutPw = await createUser({ password: null, query: "?activate=false" });
    const res = await lifecycle(withoutPw.id, "activate?sendEmail=false");
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: {} });
    expect((await getUserJson(withoutPw.id)).status).toBe("PROVISIONED");
  });

  it("suspends an ACTIVE user and unsuspends them", async () => {
    const user = await createUser();
    expect((await lifecycle(user.id, "suspend")).status).toBe(200);
    const suspended = await getUserJson(user.id);
    expect(suspended.status).toBe("SUSPENDED");
    expect(suspended._links).toEqual(userLinks(user.id, "unsuspend", "deactivate"));
    expect(suspended.activated).toBe(user.activated);
    expect((await lifecycle(user.id, "unsuspend")).status).toBe(200);
    expect((await getUserJson(user.id)).status).toBe("ACTIVE");
  });

  it("deactivates a user to DEPROVISIONED and can activate them again", async () => {
    const user = await createUser();
    expect((await lifecycle(user.id, "deactivate")).status).toBe(200);
    const gone = await getUserJson(user.id);
    expect(gone.status).toBe("DEPROVISIONED");
    expect(gone._links).toEqual(userLinks(user.id, "activate"));
    expect((await lifecycle(user.id, "activate")).status).toBe(200);
    expect((await getUserJson(user.id)).status).toBe("ACTIVE");
  });

  describe.each([
    ["suspend", "PROVISIONED", "Cannot suspend a user that is not active"],
    ["suspend", "STAGED", "Cannot suspend a user that is not active"],
    ["unsuspend", "ACTIVE", "Cannot unsuspend a user that is not suspended"],
    ["activate", "ACTIVE", "Activation failed because the user is already active"],
    ["activate", "PROVISIONED", "Activation failed because the user is already active"],
    ["deactivate", "DEPROVISIONED", "Cannot deactivate a user that is already deactivated"],
  ])("%s on a %s user", (op, status, cause) => {
    it("is refused and changes nothing", async () => {
      const user = await createUser({
        password: status === "PROVISIONED" ? null : PASSWORD,
        query: status === "STAGED" ? "?activate=false" : "",
      });
      if (status === "DEPROVISIONED") await lifecycle(user.id, "deactivate");
      // Okta: activating an active (or provisioned) user is 403 E0000016; the other refusals are 400 E0000001.
      if (op === "activate") await expectOktaError(await lifecycle(user.id, op), 403, "E0000016", cause, [cause]);
      else await expectOktaError(await lifecycle(user.id, op), 400, "E0000001", `Api validation failed: ${op}`, [cause]);
      expect((await getUserJson(user.id)).status).toBe(status);
    });
  });

  it("ends a suspended user's sessions and revokes their refresh tokens", async () => {
    const user = await createUser();
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO sessions (id_hash, user_id, auth_time, amr, created, expires_at) VALUES (?1, ?2, 0, '["pwd"]', 0, 9999999999)`).bind(`s-${user.id}`, user.id),
      env.DB.prepare(
        `INSERT INTO refresh_tokens (token_hash, id, family_id, auth_server_id, client_id, user_id, grant_json, created, idle_expires_at)
         VALUES (?1, ?1, ?1, 'default', 'client', ?2, '{}', 0, 9999999999)`,
      ).bind(`r-${user.id}`, user.id),
    ]);
    expect((await lifecycle(user.id, "suspend")).status).toBe(200);
    const sessions = await env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1`).bind(user.id).first<{ n: number }>();
    const tokens = await env.DB.prepare(`SELECT revoked FROM refresh_tokens WHERE user_id = ?1`).bind(user.id).all<{ revoked: number }>();
    expect({ sessions: sessions!.n, tokens: tokens.results }).toEqual({ sessions: 0, tokens: [{ revoked: 1 }] });
  });

  it("answers 404 for a lifecycle operation on an unknown user, and E0000008 for an unknown operation", async () => {
    await expectOktaError(await lifecycle("00uNoSuchUser0000000", "suspend"), ...notFoundUser("00uNoSuchUser0000000"));
    const user = await createUser();
    await expectOktaError(await lifecycle(user.id, "explode"), 404, "E0000008", "The requested path was not found");
  });
});

describe("users: delete", () => {
  it("deactivates on the first DELETE and deletes on the second (Okta)", async () => {
    const user = await createUser();
    expect((await admin(`/users/${user.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await getUserJson(user.id)).status).toBe("DEPROVISIONED");
    expect((await admin(`/users/${user.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await admin(`/users/${user.id}`), ...notFoundUser(user.id));
    await expectOktaError(await admin(`/users/${user.id}`, { method: "DELETE" }), ...notFoundUser(user.id));
  });

  it("frees the login of a deleted user", async () => {
    const user = await createUser();
    await admin(`/users/${user.id}`, { method: "DELETE" });
    await admin(`/users/${user.id}`, { method: "DELETE" });
    expect((await createUser({ login: user.profile.login })).id).not.toBe(user.id);
  });
});

describe("users: list and search", () => {
  const tag = `t${Date.now().toString(36)}`;
  const seededUsers: Record<string, any>[] = [];
  // Seeded in beforeAll, after the setup file has applied the schema.
  beforeAll(async () => {
    for (const [first, last] of [["Zelda", "Ames"], ["Zeke", "Bishop"], ["Abel", "Zorn"]]) {
      seededUsers.push(await createUser({ login: login(`${tag}.${first!.toLowerCase()}`), extra: { firstName: first, lastName: last, department: tag } }));
    }
  });
  const seeded = () => seededUsers;

  async function listIds(query: string): Promise<string[]> {
    const res = await admin(`/users${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as Array<{ id: string }>).map((u) => u.id);
  }

  it("matches q against the start of firstName, lastName, email or login", async () => {
    const [zelda, zeke, abel] = seeded();
    const mine = (ids: string[]) => ids.filter((id) => [zelda!.id, zeke!.id, abel!.id].includes(id));
    expect(mine(await listIds("?q=Ze"))).toEqual([zelda!.id, zeke!.id]);
    expect(mine(await listIds("?q=zorn"))).toEqual([abel!.id]);
    expect(mine(await listIds(`?q=${tag}.abel`))).toEqual([abel!.id]);
  });

  it("accepts a long q and a long sw value (D1 refuses LIKE patterns over 50 bytes)", async () => {
    expect(await listIds(`?q=${"z".repeat(200)}`)).toEqual([]);
    expect(await listIds(`?search=${encodeURIComponent(`profile.firstName sw "${"z".repeat(200)}"`)}`)).toEqual([]);
    const [, zeke] = seeded();
    expect(await listIds(`?search=${encodeURIComponent(`profile.lastName sw "bish" and profile.department eq "${tag}"`)}`)).toEqual([zeke!.id]);
  });

  it("pages with limit and a rel=next Link that clients follow", async () => {
    const [zelda, zeke, abel] = seeded();
    const res = await admin(`/users?search=${encodeURIComponent(`profile.department eq "${tag}"`)}&limit=2`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ id: string }>).map((u) => u.id)).toEqual([zelda!.id, zeke!.id]);
    const next = links(res).next!;
    expect(links(res).self).toBe(`${BASE}/api/v1/users?search=${encodeURIComponent(`profile.department eq "${tag}"`).replace(/%20/g, "+")}&limit=2`);
    expect(apiPath(next).startsWith("/users?")).toBe(true);
    expect(await listIds(apiPath(next).slice("/users".length))).toEqual([abel!.id]);
    const last = await admin(apiPath(next));
    expect(links(last).next).toBeUndefined();
  });

  it("leaves DEPROVISIONED users out unless a search asks for them", async () => {
    const user = await createUser({ login: login(`${tag}.gone`) });
    await lifecycle(user.id, "deactivate");
    expect(await listIds(`?q=${tag}.gone`)).toEqual([]);
    expect(await listIds(`?search=${encodeURIComponent(`status eq "DEPROVISIONED" and profile.login sw "${tag}.gone"`)}`)).toEqual([user.id]);
  });

  it("searches on login and email with eq, case-insensitively", async () => {
    const [zelda] = seeded();
    expect(await listIds(`?search=${encodeURIComponent(`profile.login eq "${zelda!.profile.login.toUpperCase()}"`)}`)).toEqual([zelda!.id]);
    expect(await listIds(`?filter=${encodeURIComponent(`profile.email eq "${zelda!.profile.email}"`)}`)).toEqual([zelda!.id]);
  });

  it.each([
    ['profile.login co "x"', "'profile.login co' is not supported (eq on id, status and profile attributes; sw on profile attributes)"],
    ['status sw "A"', "'status sw' is not supported (eq on id, status and profile attributes; sw on profile attributes)"],
    ['profile.login eq "x" or status eq "ACTIVE"', 'supported expressions are clauses like profile.login eq "x" joined by and'],
    ["profile.login eq x", 'supported expressions are clauses like profile.login eq "x" joined by and'],
  ])("refuses the unsupported search %s with Okta's E0000031", async (search, why) => {
    const res = await admin(`/users?search=${encodeURIComponent(search)}`);
    await expectOktaError(res, 400, "E0000031", "Invalid search criteria.", [`search: ${why}`]);
  });

  it("refuses a limit below 1 and a cursor that is not from a Link header (Okta E0000029)", async () => {
    await expectOktaError(await admin("/users?limit=0"), 400, "E0000029", "Invalid paging request.", ["limit: Too small: expected number to be >=1"]);
    await expectOktaError(await admin("/users?after=abc"), 400, "E0000029", "Invalid paging request.", ["after: must be a cursor from a Link header"]);
  });
});

describe("users: store functions for sign-in", () => {
  it("records the last login without touching lastUpdated", async () => {
    const user = await createUser();
    await recordLogin(env.DB, user.id, "2030-01-01T00:00:00.000Z");
    const read = await getUserJson(user.id);
    expect({ lastLogin: read.lastLogin, lastUpdated: read.lastUpdated }).toEqual({ lastLogin: "2030-01-01T00:00:00.000Z", lastUpdated: user.lastUpdated });
  });
});
