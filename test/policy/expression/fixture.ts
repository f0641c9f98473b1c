import type { EvalContext } from "../../../src/policy/expression";

/** 2015-07-31T17:18:37.979Z, the instant in Okta's Time.now examples. */
export const NOW = Date.UTC(2015, 6, 31, 17, 18, 37, 979);

export function userContext(overrides: Partial<EvalContext> = {}): EvalContext {
  return {
    user: {
      id: "00u1",
      profile: {
        login: "ada@example.com",
        email: "ada@example.com",
        secondEmail: "ada@work.example",
        firstName: "Ada",
        lastName: "Lovelace",
        middleName: null,
        nickname: "",
        salary: 1200000,
        isContractor: false,
        groupCode: 123,
        tags: ["a", "b"],
        address: { city: "London" },
      },
      groups: [
        { id: "00g1", name: "Everyone" },
        { id: "00g2", name: "IT-Admins" },
        { id: "00g3", name: "it-support" },
        { id: "00g4", name: "Sales" },
      ],
    },
    app: {
      id: "0oa1",
      clientId: "client-1",
      label: "Example App",
      profile: { label: "Example App", tier: "gold", allowlist: ["00g2", "00g4"], nested: { a: 1 } },
    },
    org: { name: "Acme", subdomain: "acme" },
    access: { scope: ["openid", "profile", "email"] },
    now: NOW,
    ...overrides,
  };
}

/** A client_credentials token: no resource owner. */
export function clientContext(): EvalContext {
  return userContext({ user: null });
}
