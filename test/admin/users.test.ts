import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PBKDF2_ITERATIONS, hashSecret, verifySecret } from "../../src/secrets";
import { getUser, getUserByLogin } from "../../src/store/users";
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
