import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifySecret } from "../../src/secrets";
import { getUser, getUserByLogin } from "../../src/store/users";
import { admin } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { ISO_MS, PASSWORD, VALIDATION, post, lifecycle, getUserJson, userLinks, notFoundUser } from "./user-fixtures";

let counter = 0;
/** A fresh, unique login (users share one D1 database within this file). */
const login = (prefix = "user") => `${prefix}.${Date.now().toString(36)}${(counter++).toString(36)}@example.com`;

const profileFor = (l: string, extra: Record<string, unknown> = {}) => ({ login: l, email: l, firstName: "Isaac", lastName: "Brock", ...extra });

async function createUser(opts: { login?: string; password?: string | null; query?: string; extra?: Record<string, unknown> } = {}) {
  const l = opts.login ?? login();
  const body: Record<string, unknown> = { profile: profileFor(l, opts.extra) };
  if (opts.password !== null) body.credentials = { password: { value: opts.password ?? PASSWORD } };
  const res = await post(body, opts.query ?? "");
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

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
