import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import type { Env } from "../../src/env";
import { admin, BASE } from "../support/admin";
import { asBasic, expectOAuthError, FORM, introspect, type Client, type Json } from "../support/clients";
import { appFor, createPerson, INVALID_REFRESH, peopleServer, refresh, tokensFor, type PeopleServer, type Person } from "../support/people";

/**
 * Issue 12, concurrency: a refresh racing an admin's revocation never yields a token that outlives the revocation.
 * The refresh checks, mints, then commits the consume and its successor in one call to the SessionStore the token
 * names; the revocation reaches that object too. Whichever lands first, the other sees it: the refresh fails, or what it issued is revoked with the family.
 */
let ps: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  ps = await peopleServer();
  person = await createPerson();
  client = await appFor(person);
});

const revokeAll = (c: Client, p: Person) => admin(`/users/${p.id}/clients/${c.clientId}/tokens`, { method: "DELETE" });

/**
 * The refresh over a SESSIONS binding that runs `before` just before the request's commit (issue 17: the rotation
 * is one call to the SessionStore the token names, `refresh`) and `after` just after it.
 */
async function refreshWithHook(token: string, hook: { before?: () => Promise<unknown>; after?: () => Promise<unknown> }): Promise<Response> {
  let fired = false;
  const stubWithHook = (stub: object) =>
    new Proxy(stub, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (prop === "refresh" && typeof value === "function") {
          return async (...args: unknown[]) => {
            fired = true;
            await hook.before?.();
            const result = await Reflect.apply(value, target, args);
            await hook.after?.();
            return result;
          };
        }
        // An RPC stub's methods are proxies themselves: call them through Reflect.apply, never bind().
        return typeof value === "function" ? (...a: unknown[]) => Reflect.apply(value, target, a) : value;
      },
    });
  const sessions = new Proxy(env.SESSIONS, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "get") return (...args: unknown[]) => stubWithHook(Reflect.apply(value, target, args) as object);
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${BASE}/oauth2/${ps.id}/v1/token`, {
      method: "POST",
      headers: { "Content-Type": FORM, ...asBasic(client) },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }).toString(),
    }),
    { ...env, SESSIONS: sessions } as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(fired).toBe(true);
  return res;
}

describe("a refresh racing an admin revocation", () => {
  it("revoked after the refresh's checks but before its commit: the refresh fails and nothing is issued", async () => {
    const t = await tokensFor(ps.id, client, person);
    const res = await refreshWithHook(t.refresh_token, { before: async () => expect((await revokeAll(client, person)).status).toBe(204) });
    await expectOAuthError(res, 400, "invalid_grant", INVALID_REFRESH);
    expect(await (await admin(`/users/${person.id}/clients/${client.clientId}/tokens`)).json()).toEqual([]);
  });

  it("revoked just after the refresh's commit: the refresh token and access token it issued are revoked with the family", async () => {
    const t = await tokensFor(ps.id, client, person);
    const res = await refreshWithHook(t.refresh_token, { after: async () => expect((await revokeAll(client, person)).status).toBe(204) });
    const issued = (await res.json()) as Json;
    expect(res.status, JSON.stringify(issued)).toBe(200);
    await expectOAuthError(await refresh(ps.id, client, issued.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
    expect((await introspect(ps.id, client, issued.access_token)).active).toBe(false);
  });

  it("run concurrently many times: whatever a refresh returned is dead once the revocation has answered", { timeout: 60_000 }, async () => {
    let issued = 0;
    for (let i = 0; i < 20; i++) {
      const t = await tokensFor(ps.id, client, person);
      // Stagger the revocation by a few event-loop turns so the two interleave at different points.
      const revoke = (async () => {
        for (let k = 0; k < i % 7; k++) await new Promise((r) => setTimeout(r, 0));
        return revokeAll(client, person);
      })();
      const [res, revoked] = await Promise.all([refresh(ps.id, client, t.refresh_token), revoke]);
      expect(revoked.status).toBe(204);
      const body = (await res.json()) as Json;
      if (res.status === 200) {
        issued++;
        await expectOAuthError(await refresh(ps.id, client, body.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
        expect((await introspect(ps.id, client, body.access_token)).active, `iteration ${i}`).toBe(false);
      } else {
        expect(body, `iteration ${i}`).toEqual({ error: "invalid_grant", error_description: INVALID_REFRESH });
      }
    }
    console.log(`revocation race: ${issued} of 20 refreshes answered 200 before the revocation; every one was revoked`);
  });
});
