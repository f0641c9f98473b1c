import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";
import { createApp, createScope, readyServer, type Json } from "../support/clients";
import { createManualServer } from "../support/fixtures";
import { createGroup, createPerson } from "../support/people";

/**
 * The served document against what the server answers: each body validates against the schema the document gives
 * for that operation and status. The response builders are typed by those schemas; this checks the wire as well.
 */
let doc: Json;
let ajv: Ajv2020;
const ids: Record<string, string> = {};

beforeAll(async () => {
  doc = (await (await call("/api/v1/openapi.json")).json()) as Json;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "urn:mintgate:admin", components: doc.components });

  const ready = await readyServer();
  const manual = await createManualServer();
  const claim = (await (
    await admin(`/authorizationServers/${ready.id}/claims`, {
      method: "POST",
      json: { name: "team", claimType: "RESOURCE", valueType: "EXPRESSION", value: '"blue"' },
    })
  ).json()) as Json;
  const scope = await createScope(ready.id, { name: `docs:${crypto.randomUUID()}` });
  const app = await createApp();
  const person = await createPerson();
  const group = await createGroup();
  const origin = (await (
    await admin("/trustedOrigins", { method: "POST", json: { name: `o-${crypto.randomUUID()}`, origin: `https://${crypto.randomUUID()}.example`, scopes: [{ type: "CORS" }] } })
  ).json()) as Json;
  const channel = { type: "HTTP", version: "1.0.0", config: { uri: "https://hooks.example/x" } };
  const eventHook = (await (
    await admin("/eventHooks", { method: "POST", json: { name: "docs", events: { type: "EVENT_TYPE", items: ["user.session.start"] }, channel } })
  ).json()) as Json;
  const inlineHook = (await (
    await admin("/inlineHooks", { method: "POST", json: { name: "docs", type: "com.okta.oauth2.tokens.transform", version: "1.0.0", channel } })
  ).json()) as Json;
  Object.assign(ids, {
    eventHookId: eventHook.id,
    inlineHookId: inlineHook.id,
    authServerId: ready.id,
    manualServerId: manual.id,
    keyId: ready.server.credentials.signing.kid,
    scopeId: scope.id,
    claimId: claim.id,
    policyId: ready.policy.id,
    ruleId: ready.rule.id,
    appId: app.id,
    userId: person.id,
    groupId: group.id,
    trustedOriginId: origin.id,
    clientId: app.clientId,
  });
});

/** Validates a response against the schema the document gives for this operation and the response's status. */
async function expectDocumented(method: string, documentedPath: string, res: Response): Promise<void> {
  const operation = doc.paths[documentedPath]?.[method.toLowerCase()];
  expect(operation, `${method} ${documentedPath} is documented`).toBeDefined();
  const response = operation.responses[String(res.status)];
  expect(response, `${method} ${documentedPath} documents status ${res.status}`).toBeDefined();
  if (res.status === 204) return expect(await res.text()).toBe("");
  const schema = response.content["application/json"].schema;
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"urn:mintgate:admin#/components/'));
  const validate = ajv.compile(rewritten);
  const body = await res.json();
  expect(validate(body), `${method} ${documentedPath}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

const AS = "/api/v1/authorizationServers/{authServerId}";
const at = (template: string) => template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!).replace("/api/v1", "");

const READS: [string, string][] = [
  ["GET", "/api/v1/authorizationServers"],
  ["GET", AS],
  ["GET", `${AS}/credentials/keys`],
  ["GET", `${AS}/credentials/keys/{keyId}`],
  ["GET", `${AS}/scopes`],
  ["GET", `${AS}/scopes/{scopeId}`],
  ["GET", `${AS}/claims`],
  ["GET", `${AS}/claims/{claimId}`],
  ["GET", `${AS}/policies`],
  ["GET", `${AS}/policies/{policyId}`],
  ["GET", `${AS}/policies/{policyId}/rules`],
  ["GET", `${AS}/policies/{policyId}/rules/{ruleId}`],
  ["GET", `${AS}/associatedServers`],
  ["GET", "/api/v1/apps"],
  ["GET", "/api/v1/apps/{id}"],
  ["GET", "/api/v1/apps/{appId}/grants"],
  ["GET", "/api/v1/apps/{appId}/users"],
  ["GET", "/api/v1/apps/{appId}/groups"],
  ["GET", "/api/v1/users"],
  ["GET", "/api/v1/users/{id}"],
  ["GET", "/api/v1/users/{id}/groups"],
  ["GET", "/api/v1/users/{userId}/roles"],
  ["GET", "/api/v1/users/{userId}/grants"],
  ["GET", "/api/v1/groups"],
  ["GET", "/api/v1/groups/{id}"],
  ["GET", "/api/v1/groups/{id}/users"],
  ["GET", "/api/v1/trustedOrigins"],
  ["GET", "/api/v1/trustedOrigins/{id}"],
  ["GET", `${AS}/clients`],
  ["GET", `${AS}/clients/{clientId}/tokens`],
  ["GET", "/api/v1/users/{userId}/clients"],
  ["GET", "/api/v1/users/{userId}/clients/{clientId}/tokens"],
  ["GET", "/api/v1/policies"],
  ["GET", "/api/v1/policies/{policyId}"],
  ["GET", "/api/v1/logs"],
  ["GET", "/api/v1/eventHooks"],
  ["GET", "/api/v1/eventHooks/{id}"],
  ["GET", "/api/v1/inlineHooks"],
  ["GET", "/api/v1/inlineHooks/{id}"],
];

/** The document's {id} is the resource of the path it ends: an app, a user, a group or a trusted origin. */
function concrete(template: string): string {
  const kind = template.split("/")[3];
  // Okta's org policies: the default PASSWORD policy, listed by type.
  if (kind === "policies") return template === "/api/v1/policies" ? "/policies?type=PASSWORD" : "/policies/00pdefaultpassword01";
  const id = { apps: ids.appId, users: ids.userId, groups: ids.groupId, trustedOrigins: ids.trustedOriginId, eventHooks: ids.eventHookId, inlineHooks: ids.inlineHookId }[kind!];
  return at(template.replace("{id}", id ?? "{id}"));
}

describe("the document's response schemas against the server's answers", () => {
  it.each(READS)("%s %s", async (method, template) => {
    await expectDocumented(method, template, await admin(concrete(template), { method }));
  });

  it("would notice a body that does not match, so the checks above mean something", async () => {
    const res = await admin(`/authorizationServers/${ids.authServerId}`);
    const body = (await res.json()) as Json;
    delete body.credentials;
    const tampered = new Response(JSON.stringify(body), { status: 200 });
    await expect(expectDocumented("GET", AS, tampered)).rejects.toThrow(/credentials/);
  });

  it("covers every documented read that needs no row of its own", () => {
    const documented = Object.entries(doc.paths as Json)
      .filter(([, item]) => item.get)
      .map(([path]) => path)
      .filter((p) => !/\{(grantId|userId|groupId|tokenId)\}$/.test(p) && p !== "/api/v1/openapi.json");
    expect(READS.map(([, p]) => p).sort()).toEqual(documented.sort());
  });

  it("POST /authorizationServers/{authServerId}/credentials/lifecycle/keyRotate", async () => {
    const res = await admin(`/authorizationServers/${ids.manualServerId}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } });
    await expectDocumented("POST", `${AS}/credentials/lifecycle/keyRotate`, res);
  });

  it("POST /users/{userId}/roles, as created and as already there", async () => {
    const first = await admin(`/users/${ids.userId}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(first.status).toBe(201);
    await expectDocumented("POST", "/api/v1/users/{userId}/roles", first);
    const again = await admin(`/users/${ids.userId}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(again.status).toBe(200);
    await expectDocumented("POST", "/api/v1/users/{userId}/roles", again);
  });

  it.each([
    ["POST", "/api/v1/users/{id}/lifecycle/suspend"],
    ["POST", "/api/v1/users/{id}/lifecycle/unsuspend"],
    ["POST", "/api/v1/trustedOrigins/{id}/lifecycle/deactivate"],
    ["POST", "/api/v1/apps/{id}/lifecycle/deactivate"],
  ])("%s %s", async (method, template) => {
    await expectDocumented(method, template, await admin(concrete(template), { method }));
  });

  it.each([
    [404, "GET", AS, "/authorizationServers/ausNoSuchServer00001"],
    [400, "POST", `${AS}/scopes`, "/authorizationServers/default/scopes"],
    [401, "GET", "/api/v1/groups", "/groups"],
  ])("documents the %i error body of %s %s", async (status, method, template, path) => {
    const res = status === 401 ? await call(`/api/v1${path}`) : await admin(path, { method, ...(method === "POST" ? { json: { name: 7 } } : {}) });
    expect(res.status).toBe(status);
    await expectDocumented(method, template, res);
  });
});
