import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";
import { expectOktaError, serverNotFound } from "../support/fixtures";
import { ISO_MS, policiesPath, rulesPath, send, policyBody, ruleBody, createPolicy, createRule, getJson, policyLinks } from "./policy-fixtures";

describe("policies: create, read, replace, delete", () => {
  it("creates a policy with Okta's shape, ACTIVE by default", async () => {
    const server = await createServer();
    const res = await send("POST", policiesPath(server.id), policyBody({ system: true, id: "00pIgnored" }));
    expect(res.status).toBe(201);
    const policy = (await res.json()) as Record<string, any>;
    expect(policy.id).toMatch(/^00p[0-9A-Za-z]{17}$/);
    expect(policy).toEqual({
      type: "OAUTH_AUTHORIZATION_POLICY",
      id: policy.id,
      status: "ACTIVE",
      name: "Vendor2 Policy",
      description: "Vendor2 policy description",
      priority: 1,
      // system and id are read-only: what the body says is ignored.
      system: false,
      conditions: { clients: { include: ["ALL_CLIENTS"] } },
      created: expect.stringMatching(ISO_MS),
      lastUpdated: policy.created,
      _links: policyLinks(server.id, policy.id, "ACTIVE"),
    });
    expect(await getJson(`${policiesPath(server.id)}/${policy.id}`)).toEqual(policy);
  });

  it("creates an INACTIVE policy when asked, offering the activate link", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id, { status: "INACTIVE" });
    expect(policy.status).toBe("INACTIVE");
    expect(policy._links).toEqual(policyLinks(server.id, policy.id, "INACTIVE"));
  });

  it("accepts a policy for named clients and without the optional type", async () => {
    const server = await createServer();
    const { type: _, ...body } = policyBody({ conditions: { clients: { include: ["0oaClientA", "0oaClientB", "0oaClientA"] } } });
    const res = await send("POST", policiesPath(server.id), body);
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).conditions).toEqual({ clients: { include: ["0oaClientA", "0oaClientB"] } });
  });

  it("replaces a policy, keeping its priority and status when the body leaves them out", async () => {
    const server = await createServer();
    await createPolicy(server.id, { name: "First" });
    const policy = await createPolicy(server.id, { name: "Second", status: "INACTIVE" });
    const res = await send("PUT", `${policiesPath(server.id)}/${policy.id}`, {
      name: "Renamed",
      description: "New description",
      conditions: { clients: { include: ["0oaOnlyClient"] } },
    });
    expect(res.status).toBe(200);
    const updated = {
      ...policy,
      name: "Renamed",
      description: "New description",
      conditions: { clients: { include: ["0oaOnlyClient"] } },
      lastUpdated: expect.stringMatching(ISO_MS),
    };
    expect(await res.json()).toEqual(updated);
    expect(await getJson(`${policiesPath(server.id)}/${policy.id}`)).toEqual(updated);
  });

  it("changes the status when a replacement gives one", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const res = await send("PUT", `${policiesPath(server.id)}/${policy.id}`, policyBody({ status: "INACTIVE" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("INACTIVE");
    expect(body._links).toEqual(policyLinks(server.id, policy.id, "INACTIVE"));
  });

  it("deletes a policy and its rules", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id);
    const res = await send("DELETE", `${policiesPath(server.id)}/${policy.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const gone = ["E0000007", `Not found: Resource not found: ${policy.id} (Policy)`] as const;
    await expectOktaError(await admin(`${policiesPath(server.id)}/${policy.id}`), 404, ...gone);
    await expectOktaError(await admin(`${rulesPath(server.id, policy.id)}/${rule.id}`), 404, ...gone);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM policy_rules WHERE policy_id = ?1").bind(policy.id).first("n")).toBe(0);
  });
});

describe("policies: lifecycle", () => {
  it("deactivates and activates a policy with 204 and links that follow the status", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const path = `${policiesPath(server.id)}/${policy.id}`;
    const off = await send("POST", `${path}/lifecycle/deactivate`);
    expect(off.status).toBe(204);
    expect(await off.text()).toBe("");
    expect(await getJson(path)).toMatchObject({ status: "INACTIVE", _links: policyLinks(server.id, policy.id, "INACTIVE") });
    // Deactivating again changes nothing and still succeeds.
    expect((await send("POST", `${path}/lifecycle/deactivate`)).status).toBe(204);
    expect((await send("POST", `${path}/lifecycle/activate`)).status).toBe(204);
    expect(await getJson(path)).toMatchObject({ status: "ACTIVE", _links: policyLinks(server.id, policy.id, "ACTIVE") });
  });

  it.each([["activate"], ["deactivate"]])("answers 404 when asked to %s an unknown policy", async (op) => {
    const server = await createServer();
    await expectOktaError(
      await send("POST", `${policiesPath(server.id)}/00pNoSuchPolicy00001/lifecycle/${op}`),
      404,
      "E0000007",
      "Not found: Resource not found: 00pNoSuchPolicy00001 (Policy)",
    );
  });
});

describe("policies: not found", () => {
  const MISSING = "ausNoSuchServer00001";
  it.each([
    ["GET", ""],
    ["POST", ""],
    ["GET", "/00pX"],
    ["PUT", "/00pX"],
    ["DELETE", "/00pX"],
    ["POST", "/00pX/lifecycle/activate"],
    ["POST", "/00pX/lifecycle/deactivate"],
    ["GET", "/00pX/rules"],
    ["POST", "/00pX/rules"],
    ["GET", "/00pX/rules/0prX"],
    ["PUT", "/00pX/rules/0prX"],
    ["DELETE", "/00pX/rules/0prX"],
    ["POST", "/00pX/rules/0prX/lifecycle/activate"],
  ])("answers %s policies%s of an unknown server with 404 E0000007", async (method, suffix) => {
    const body = method === "PUT" || (method === "POST" && !suffix.includes("lifecycle")) ? (suffix.includes("rules") ? ruleBody() : policyBody()) : undefined;
    await expectOktaError(await send(method, `${policiesPath(MISSING)}${suffix}`, body), 404, ...serverNotFound(MISSING));
  });

  it("does not reach a policy through another server's path", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    const policy = await createPolicy(a.id);
    const gone = ["E0000007", `Not found: Resource not found: ${policy.id} (Policy)`] as const;
    await expectOktaError(await admin(`${policiesPath(b.id)}/${policy.id}`), 404, ...gone);
    await expectOktaError(await send("PUT", `${policiesPath(b.id)}/${policy.id}`, policyBody()), 404, ...gone);
    await expectOktaError(await send("DELETE", `${policiesPath(b.id)}/${policy.id}`), 404, ...gone);
    await expectOktaError(await send("POST", `${policiesPath(b.id)}/${policy.id}/lifecycle/deactivate`), 404, ...gone);
    await expectOktaError(await send("POST", rulesPath(b.id, policy.id), ruleBody()), 404, ...gone);
    expect(await getJson(`${policiesPath(a.id)}/${policy.id}`)).toEqual(policy);
  });
});
