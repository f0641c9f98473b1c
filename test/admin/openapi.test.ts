import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { load } from "js-yaml";
import { checkRefs } from "@seriousme/openapi-schema-validator/resolve.js";
import openApi31Schema from "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json";
import { beforeAll, describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { adminApp } from "../../src/admin/app";
import { openApiPaths } from "../../src/admin/openapi";
import { admin, BASE, call } from "../support/admin";
// Okta's own description of /api/v1/authorizationServers/** (REFERENCE 0, [M]; Apache-2.0), trimmed as its first line says.
import oktaYaml from "./okta/authorization-servers.openapi.yaml?raw";

type Json = Record<string, any>;
const METHODS = ["get", "post", "put", "delete"] as const;

let doc: Json;
beforeAll(async () => {
  doc = (await (await call("/api/v1/openapi.json")).json()) as Json;
});

/** Follows local $refs ("#/components/...") of a document. */
const deref = (root: Json, node: Json | undefined): Json | undefined => {
  let n = node;
  while (n && typeof n.$ref === "string") n = n.$ref.slice(2).split("/").reduce((o: Json, k: string) => o?.[k], root);
  return n;
};

/** The required properties of a request body's schema, through $ref and allOf. */
function requiredFields(root: Json, schema: Json | undefined): string[] {
  const s = deref(root, schema);
  if (!s) return [];
  return [...(s.required ?? []), ...(s.allOf ?? []).flatMap((part: Json) => requiredFields(root, part))].sort();
}

/** Every operation of a document as "METHOD path". */
const operations = (d: Json) =>
  Object.entries(d.paths as Json).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));

const operation = (d: Json, key: string) => {
  const [method, path] = key.split(" ") as [string, string];
  return d.paths[path][method.toLowerCase()] as Json;
};

const successCodes = (op: Json) => Object.keys(op.responses).filter((code) => code.startsWith("2"));

describe("GET /api/v1/openapi.json", () => {
  it("is served without a token, as JSON", async () => {
    const res = await call("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    const body = (await res.json()) as Json;
    expect(body.openapi).toBe("3.1.0");
    expect(body.servers).toEqual([{ url: BASE }]);
  });

  it("is the same document with a token", async () => {
    expect(await (await admin("/openapi.json")).json()).toEqual(doc);
  });

  it("is a valid OpenAPI 3.1 document whose $refs all resolve", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("media-range", true);
    const validate = ajv.compile(openApi31Schema);
    expect(validate(doc), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(checkRefs(structuredClone(doc))).toEqual({ valid: true });
  });

  it("is refused by the validator when broken, so the check above means something", () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addFormat("media-range", true);
    const validate = ajv.compile(openApi31Schema);
    const broken = structuredClone(doc);
    delete broken.info;
    expect(validate(broken)).toBe(false);
    expect(checkRefs({ ...structuredClone(doc), paths: { "/x": { get: { responses: { 200: { $ref: "#/components/responses/None" } } } } } }).valid).toBe(false);
  });

  it("gives every operation a unique operationId, a security requirement and Okta's Error for its 4xx", () => {
    const ids = operations(doc).map((key) => operation(doc, key).operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const key of operations(doc)) {
      const op = operation(doc, key);
      expect(op.security, key).toBeDefined();
      for (const [code, response] of Object.entries(op.responses as Json)) {
        if (code.startsWith("4")) expect(deref(doc, (response as Json).content["application/json"].schema), `${key} ${code}`).toEqual(doc.components.schemas.Error);
      }
    }
  });
});

describe("the document and the router", () => {
  /** What the admin app serves, as "METHOD /api/v1/path" (Hono's :name as {name}; :name{a|b} as each literal). */
  const served = () =>
    [
      ...new Set(
        adminApp.routes
          .filter((r) => r.method !== "ALL")
          .flatMap((r) => openApiPaths(`/api/v1${r.path}`).map((path) => `${r.method} ${path}`)),
      ),
    ].sort();

  it("documents every path and method the admin app serves", () => {
    expect(served().length).toBeGreaterThan(50);
    expect(operations(doc).sort()).toEqual(expect.arrayContaining(served()));
  });

  it("documents nothing the admin app does not serve", () => {
    expect(served()).toEqual(expect.arrayContaining(operations(doc)));
  });

  it("declares every path parameter as a required parameter", () => {
    for (const key of operations(doc)) {
      const path = key.split(" ")[1]!;
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation(doc, key).parameters ?? []).filter((p: Json) => p.in === "path");
      expect(declared.map((p: Json) => p.name).sort(), key).toEqual([...names].sort());
      for (const p of declared) expect(p.required, key).toBe(true);
    }
  });
});

describe("the authorization-server paths against Okta's own description", () => {
  const okta = load(oktaYaml) as Json;
  const AS = "/api/v1/authorizationServers";
  const ours = () => operations(doc).filter((key) => key.split(" ")[1]!.startsWith(AS));

  // Okta operations Mintgate does not serve (README, What is not there); everything else must be there.
  const NOT_SERVED = [
    "GET /api/v1/authorizationServers/{authServerId}/resourceservercredentials/keys",
    "POST /api/v1/authorizationServers/{authServerId}/resourceservercredentials/keys",
    "GET /api/v1/authorizationServers/{authServerId}/resourceservercredentials/keys/{keyId}",
    "DELETE /api/v1/authorizationServers/{authServerId}/resourceservercredentials/keys/{keyId}",
    "POST /api/v1/authorizationServers/{authServerId}/resourceservercredentials/keys/{keyId}/lifecycle/activate",
    "POST /api/v1/authorizationServers/{authServerId}/resourceservercredentials/keys/{keyId}/lifecycle/deactivate",
  ];

  it("has Okta's paths and methods, apart from the operations Mintgate does not serve", () => {
    expect(ours().sort()).toEqual(operations(okta).filter((key) => !NOT_SERVED.includes(key)).sort());
  });

  it("answers each operation with Okta's success status code", () => {
    for (const key of ours()) expect(successCodes(operation(doc, key)), key).toEqual(successCodes(operation(okta, key)));
  });

  it("takes a request body exactly where Okta does, and requires it as Okta does", () => {
    for (const key of ours()) {
      const mine = operation(doc, key).requestBody;
      const theirs = deref(okta, operation(okta, key).requestBody);
      expect(mine === undefined, key).toBe(theirs === undefined);
      if (mine) expect(mine.required, key).toBe(theirs!.required);
    }
  });

  /**
   * Fields Mintgate requires beyond Okta's spec, each because Okta's documentation or behaviour requires it:
   * the docs list name, description and audiences of a server and name, claimType, valueType and value of a claim
   * as required; a policy needs its name, description and clients (REFERENCE 3.5); keyRotate needs use (JwkUse); an association names the servers
   * to trust (AssociatedServerMediated: an empty body associates nothing).
   */
  const STRICTER: Record<string, string[]> = {
    AuthorizationServer: ["audiences", "name"],
    OAuth2Claim: ["claimType", "name", "value", "valueType"],
    AuthorizationServerPolicy: ["conditions", "description", "name"],
    JwkUse: ["use"],
    AssociatedServerMediated: ["trusted"],
  };

  it("requires every request field Okta requires, and more only where Okta's documentation does", () => {
    for (const key of ours()) {
      const mine = operation(doc, key).requestBody?.content["application/json"].schema;
      const theirs = deref(okta, operation(okta, key).requestBody)?.content["application/json"].schema;
      if (!mine) continue;
      const oktaRequired = requiredFields(okta, theirs);
      const myRequired = requiredFields(doc, mine);
      expect(myRequired, key).toEqual(expect.arrayContaining(oktaRequired));
      const extra = myRequired.filter((f) => !oktaRequired.includes(f));
      const oktaName = (theirs!.$ref as string).split("/").at(-1)!;
      expect(extra, `${key} (${oktaName})`).toEqual(STRICTER[oktaName] ?? []);
    }
  });
});

describe("the README", () => {
  it("points to the served document from its Admin API section", () => {
    const section = readme.slice(readme.indexOf("## Admin API"), readme.indexOf("\n## ", readme.indexOf("## Admin API") + 1));
    expect(section).toContain("/api/v1/openapi.json");
  });
});
