import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { resealClientSecrets } from "../../src/jobs/reseal-secrets";
import { resealUnderCurrent } from "../../src/keys/reseal";
import { seal, unseal } from "../../src/seal";
import { BASE } from "../support/admin";
import { appBody, assertionParams, clientAssertion, FORM, readyServer } from "../support/clients";
import { admin } from "../support/admin";
import { requestWith } from "../support/fixtures";
import { appFor, authorizePath, codeParams, createPerson, formPage, peopleServer, fetchAt } from "../support/people";

/** Security finding 12: KEY_ENCRYPTION_SECRET can be rotated with KEY_ENCRYPTION_SECRET_PREVIOUS. */

const OLD = (env as Env).KEY_ENCRYPTION_SECRET!;
const NEW = "rotated-key-encryption-secret-0123456789abcdef";
const rotated: Partial<Env> = { KEY_ENCRYPTION_SECRET: NEW, KEY_ENCRYPTION_SECRET_PREVIOUS: OLD };

describe("rotating KEY_ENCRYPTION_SECRET", () => {
  it("opens a value sealed under the previous secret, and re-seals it under the new one", async () => {
    const sealed = await seal(OLD, "p", "aad", "hello");
    await expect(unseal(NEW, "p", "aad", sealed)).rejects.toThrow();
    expect(await unseal([NEW, OLD], "p", "aad", sealed)).toBe("hello");
    const [changed] = await resealUnderCurrent(NEW, OLD, "p", [{ aad: "aad", sealed }]);
    expect(await unseal(NEW, "p", "aad", changed!.sealed)).toBe("hello");
    expect(await resealUnderCurrent(NEW, OLD, "p", [{ aad: "aad", sealed: changed!.sealed }])).toEqual([]);
  });

  it("keeps client_secret_jwt clients working through the rotation, and the job re-seals their secrets", async () => {
    const server = await readyServer();
    const res = await admin("/apps", { method: "POST", json: appBody({ method: "client_secret_jwt" }) });
    const { client_id, client_secret } = ((await res.json()) as Record<string, any>).credentials.oauthClient;
    const tokenWith = async (overrides: Partial<Env>) => {
      const assertion = await clientAssertion(client_secret, { clientId: client_id, aud: `${BASE}/oauth2/${server.id}/v1/token`, alg: "HS256" });
      return requestWith(overrides, `${BASE}/oauth2/${server.id}/v1/token`, {
        method: "POST",
        headers: { "Content-Type": FORM },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: "orders:read", ...assertionParams(assertion) }).toString(),
      });
    };
    expect((await tokenWith(rotated)).status).toBe(200);
    vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await resealClientSecrets({ ...(env as Env), ...rotated } as Env)).toBeGreaterThanOrEqual(1);
    vi.restoreAllMocks();
    // Re-sealed: the new secret alone opens the stored value (isolates pick it up within CACHE_STALENESS_SECONDS).
    const row = await (env as Env).DB.prepare("SELECT secret_sealed FROM apps WHERE client_id = ?1").bind(client_id).first<{ secret_sealed: string }>();
    expect(await unseal(NEW, "client-secret", client_id, row!.secret_sealed)).toBe(client_secret);
  });

  it("accepts a sign-in form sealed before the rotation", async () => {
    const people = await peopleServer();
    const person = await createPerson();
    const client = await appFor(person);
    const page = await formPage(await fetchAt(`${BASE}${authorizePath(people.id, codeParams(client))}`));
    const res = await requestWith(rotated, `${BASE}${page.action}`, {
      method: "POST",
      headers: { "Content-Type": FORM, Cookie: page.csrfCookie },
      body: new URLSearchParams({ tx: page.tx, csrf: page.csrf, username: person.login, password: person.password }).toString(),
    });
    expect(res.status).toBe(302);
  });
});
