import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { attemptSignIn } from "../../src/store/lockout";
import { admin, BASE } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";
import { PASSWORD, post, lifecycle, getUserJson } from "./user-fixtures";

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
  it("records the last login of a successful attempt without touching lastUpdated, and none for a refused one", async () => {
    const user = await createUser();
    const checkedHash = (await env.DB.prepare(`SELECT password_hash FROM users WHERE id = ?1`).bind(user.id).first<string>("password_hash"))!;
    const lockout = { maxAttempts: 10, autoUnlockMinutes: 0, showLockoutFailures: false };
    const attempt = (correct: boolean, iso: string) => attemptSignIn(env.DB, { userId: user.id, checkedHash, correct, attemptId: `t-${iso}` }, lockout, Date.parse(iso), iso);
    expect((await attempt(true, "2030-01-01T00:00:00.000Z")).ok).toBe(true);
    expect((await attempt(false, "2030-01-02T00:00:00.000Z")).ok).toBe(false);
    const read = await getUserJson(user.id);
    expect({ lastLogin: read.lastLogin, lastUpdated: read.lastUpdated }).toEqual({ lastLogin: "2030-01-01T00:00:00.000Z", lastUpdated: user.lastUpdated });
  });
});
