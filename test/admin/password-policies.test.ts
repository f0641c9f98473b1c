import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { expectOktaError, oktaError } from "../support/fixtures";

/** Okta's default password policy at /api/v1/policies: readable, replaceable, and what user passwords must meet. */

const ID = "00pdefaultpassword01";
let original: Record<string, any>;

beforeAll(async () => {
  original = (await (await admin(`/policies/${ID}`)).json()) as Record<string, any>;
});

afterEach(async () => {
  await admin(`/policies/${ID}`, { method: "PUT", json: { type: "PASSWORD", name: original.name, description: original.description, settings: original.settings } });
});

const user = (password: string) => {
  const login = `pp-${crypto.randomUUID()}@example.com`;
  return admin("/users", { method: "POST", json: { profile: { login, email: login, firstName: "A", lastName: "B" }, credentials: { password: { value: password } } } });
};

describe("GET /api/v1/policies?type=PASSWORD", () => {
  it("lists the default password policy with Okta's default values", async () => {
    const res = await admin("/policies?type=PASSWORD");
    expect(res.status).toBe(200);
    const [policy, ...rest] = (await res.json()) as Record<string, any>[];
    expect(rest).toEqual([]);
    expect(policy).toMatchObject({
      id: ID,
      type: "PASSWORD",
      status: "ACTIVE",
      name: "Default Policy",
      system: true,
      priority: 1,
      _links: { self: { href: `http://mintgate.test/api/v1/policies/${ID}`, hints: { allow: ["GET", "PUT"] } } },
    });
    expect(policy!.settings.password.complexity).toMatchObject({ minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true });
    expect(policy!.settings.password.lockout).toMatchObject({ maxAttempts: 10, autoUnlockMinutes: 0, showLockoutFailures: false });
  });

  it("lists no policy of the other Okta types", async () => {
    const res = await admin("/policies?type=OKTA_SIGN_ON");
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: [] });
  });

  it("requires the type (400 E0000001 naming it)", async () => {
    const res = await admin("/policies");
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toEqual(oktaError("E0000001", "Api validation failed: Policy", [expect.stringMatching(/^type: type is required/)]));
  });

  it("answers 404 E0000007 for an unknown policy id", async () => {
    await expectOktaError(await admin("/policies/00pnothere"), 404, "E0000007", "Not found: Resource not found: 00pnothere (Policy)");
  });
});

describe("PUT /api/v1/policies/{id}", () => {
  it("changes the complexity user passwords must meet, with Okta's wording", async () => {
    const settings = structuredClone(original.settings);
    settings.password.complexity = { ...settings.password.complexity, minLength: 12, minSymbol: 1 };
    const res = await admin(`/policies/${ID}`, { method: "PUT", json: { type: "PASSWORD", name: "Default Policy", settings } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, any>).settings.password.complexity).toMatchObject({ minLength: 12, minSymbol: 1 });
    await expectOktaError(await user("Abcdefgh1234"), 400, "E0000001", "Api validation failed: password", [
      "credentials.password.value: Password requirements were not met. Password requirements: at least 12 characters, a lowercase letter, an uppercase letter, a number, a symbol, no parts of your username.",
    ]);
    expect((await user("Abcdefgh-1234")).status).toBe(200);
  });

  it("refuses out-of-range settings with one cause per field and changes nothing", async () => {
    const settings = structuredClone(original.settings);
    settings.password.complexity.minLength = 2;
    settings.password.lockout.maxAttempts = -1;
    await expectOktaError(await admin(`/policies/${ID}`, { method: "PUT", json: { type: "PASSWORD", name: "x", settings } }), 400, "E0000001", "Api validation failed: Policy", [
      "settings.password.complexity.minLength: must be at least 4",
      "settings.password.lockout.maxAttempts: must be at least 0 (0: never lock)",
    ]);
    expect(((await (await admin(`/policies/${ID}`)).json()) as Record<string, any>).name).toBe("Default Policy");
  });

  it("refuses changing the type", async () => {
    await expectOktaError(await admin(`/policies/${ID}`, { method: "PUT", json: { type: "OKTA_SIGN_ON", name: "x", settings: original.settings } }), 400, "E0000001", "Api validation failed: Policy", [
      "type: must be PASSWORD (the policy's type cannot change)",
    ]);
  });
});
