import { describe, expect, it } from "vitest";
import { AUDIT, compileMatchers } from "../../src/admin/audit";
import { OPERATION_GROUPS } from "../../src/admin/document";
import { EVENT_TYPES } from "../../src/log/event-types";
import { openApiPaths } from "../../src/admin/openapi";

/** Every admin write, as operationIds (a lifecycle path's alternatives each have their own). */
const writes = OPERATION_GROUPS.flatMap((g) =>
  g.operations
    .filter((op) => op.method !== "get")
    .flatMap((op) => {
      const paths = openApiPaths(`/api/v1${g.prefix}${op.path}`);
      return paths.length > 1 ? paths.map((p) => `${p.split("/").at(-1)}${op.operationId}`) : [op.operationId];
    }),
);

describe("the admin audit table", () => {
  it("names an event (or says why not) for every admin write", () => {
    expect(writes.filter((id) => !(id in AUDIT))).toEqual([]);
    expect(Object.keys(AUDIT).filter((id) => !writes.includes(id))).toEqual([]);
  });

  it("uses only eventTypes of the catalog", () => {
    for (const a of Object.values(AUDIT)) if (a) expect(Object.keys(EVENT_TYPES)).toContain(a.eventType);
  });

  it("finds the operation of a request path", () => {
    const matchers = compileMatchers(OPERATION_GROUPS);
    const find = (method: string, path: string) => {
      for (const m of matchers) {
        const r = m.method === method ? m.regex.exec(path) : null;
        if (r) return m.operationId(r);
      }
      return null;
    };
    expect(find("POST", "/api/v1/users/00u1/lifecycle/suspend")).toBe("suspendUser");
    expect(find("POST", "/api/v1/authorizationServers/aus1/policies/00p1/rules/0pr1/lifecycle/activate")).toBe("activateAuthorizationServerPolicyRule");
    expect(find("DELETE", "/api/v1/groups/00g1/users/00u1")).toBe("unassignUserFromGroup");
    expect(find("POST", "/api/v1/eventHooks/who1/lifecycle/verify")).toBe("verifyEventHook");
  });
});
