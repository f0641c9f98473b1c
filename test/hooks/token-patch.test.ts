import { describe, expect, it } from "vitest";
import { applyTokenHookResponse } from "../../src/hooks/token-patch";

const targets = () => ({
  access: { claims: { sub: "s", aud: "api", iss: "i", arr: [1, 2], obj: { a: 1 } }, lifetimeSeconds: 3600 },
  identity: { claims: { sub: "u", aud: "c", name: "N" }, lifetimeSeconds: 3600 },
});
const patch = (type: string, value: unknown[]) => ({ commands: [{ type, value }] });

describe("applying a token hook's commands (Okta's rules)", () => {
  it.each([
    ["adds a claim", patch("com.okta.access.patch", [{ op: "add", path: "/claims/x", value: 1 }]), { x: 1 }],
    ["adds into an array by index and at the end", patch("com.okta.access.patch", [{ op: "add", path: "/claims/arr/0", value: 0 }, { op: "add", path: "/claims/arr/-", value: 3 }]), { arr: [0, 1, 2, 3] }],
    ["adds a member to an object", patch("com.okta.access.patch", [{ op: "add", path: "/claims/obj/b", value: 2 }]), { obj: { a: 1, b: 2 } }],
    ["replaces aud and sub in the access token", patch("com.okta.access.patch", [{ op: "replace", path: "/claims/aud", value: "other" }, { op: "replace", path: "/claims/sub", value: "x" }]), { aud: "other", sub: "x" }],
    ["removes a claim", patch("com.okta.access.patch", [{ op: "remove", path: "/claims/obj" }]), { obj: undefined }],
  ])("%s", (_what, body, expected) => {
    const out = applyTokenHookResponse(body, targets());
    expect(out.kind).toBe("patched");
    expect((out as any).access.claims).toMatchObject(Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)));
    for (const [k, v] of Object.entries(expected)) if (v === undefined) expect((out as any).access.claims).not.toHaveProperty(k);
  });

  it.each([
    ["iss", patch("com.okta.access.patch", [{ op: "replace", path: "/claims/iss", value: "x" }])],
    ["sub of an ID token", patch("com.okta.identity.patch", [{ op: "replace", path: "/claims/sub", value: "x" }])],
    ["a missing claim", patch("com.okta.access.patch", [{ op: "remove", path: "/claims/none" }])],
    ["an index past the end", patch("com.okta.access.patch", [{ op: "add", path: "/claims/arr/5", value: 1 }])],
    ["a lifetime over a day", patch("com.okta.access.patch", [{ op: "replace", path: "/token/lifetime/expiration", value: 86401 }])],
    ["an unknown command", patch("com.okta.saml.patch", [])],
    ["an unknown op", patch("com.okta.access.patch", [{ op: "move", path: "/claims/x" }])],
  ])("refuses the whole response for %s", (_what, body) => {
    expect(applyTokenHookResponse(body, targets()).kind).toBe("invalid");
  });

  it("refuses an identity patch when no ID token is minted", () => {
    expect(applyTokenHookResponse(patch("com.okta.identity.patch", []), { access: targets().access }).kind).toBe("invalid");
  });

  it("does not change its inputs", () => {
    const t = targets();
    applyTokenHookResponse(patch("com.okta.access.patch", [{ op: "add", path: "/claims/arr/-", value: 9 }]), t);
    expect(t.access.claims.arr).toEqual([1, 2]);
  });

  it("reads an error object", () => {
    expect(applyTokenHookResponse({ error: { errorSummary: "no" } }, targets())).toEqual({ kind: "error", summary: "no" });
  });
});
