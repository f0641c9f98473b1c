import { describe, expect, it } from "vitest";
import { createServer } from "../support/admin";
import { policiesPath, rulesPath, send, policyBody, ruleBody, createPolicy, createRule, order } from "./policy-fixtures";

describe("policies: priority", () => {
  it("puts a policy without a priority last", async () => {
    const server = await createServer();
    for (const name of ["A", "B", "C"]) await createPolicy(server.id, { name });
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "B:2", "C:3"]);
  });

  it("inserts a policy at the priority given and shifts the others down", async () => {
    const server = await createServer();
    for (const name of ["A", "B", "C"]) await createPolicy(server.id, { name });
    expect((await createPolicy(server.id, { name: "D", priority: 1 })).priority).toBe(1);
    expect((await createPolicy(server.id, { name: "E", priority: 3 })).priority).toBe(3);
    expect(await order(policiesPath(server.id))).toEqual(["D:1", "A:2", "E:3", "B:4", "C:5"]);
  });

  it("puts a policy whose priority is past the end last, with no gap", async () => {
    const server = await createServer();
    await createPolicy(server.id, { name: "A" });
    expect((await createPolicy(server.id, { name: "B", priority: 99 })).priority).toBe(2);
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "B:2"]);
  });

  it("moves a policy down on replace and shifts the ones in between up", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C", "D"]) created.push(await createPolicy(server.id, { name }));
    const res = await send("PUT", `${policiesPath(server.id)}/${created[0]!.id}`, policyBody({ name: "A", priority: 3 }));
    expect(((await res.json()) as any).priority).toBe(3);
    expect(await order(policiesPath(server.id))).toEqual(["B:1", "C:2", "A:3", "D:4"]);
  });

  it("moves a policy up on replace and shifts the ones in between down", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C", "D"]) created.push(await createPolicy(server.id, { name }));
    const res = await send("PUT", `${policiesPath(server.id)}/${created[3]!.id}`, policyBody({ name: "D", priority: 2 }));
    expect(((await res.json()) as any).priority).toBe(2);
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "D:2", "B:3", "C:4"]);
  });

  it("moves a policy to the end when the new priority is past it", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C"]) created.push(await createPolicy(server.id, { name }));
    await send("PUT", `${policiesPath(server.id)}/${created[0]!.id}`, policyBody({ name: "A", priority: 50 }));
    expect(await order(policiesPath(server.id))).toEqual(["B:1", "C:2", "A:3"]);
  });

  it("closes the gap when a policy is deleted", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C", "D"]) created.push(await createPolicy(server.id, { name }));
    expect((await send("DELETE", `${policiesPath(server.id)}/${created[1]!.id}`)).status).toBe(204);
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "C:2", "D:3"]);
  });

  it("orders each server's policies on their own", async () => {
    const [one, two] = await Promise.all([createServer(), createServer()]);
    await createPolicy(one.id, { name: "A" });
    await createPolicy(two.id, { name: "X" });
    await createPolicy(one.id, { name: "B", priority: 1 });
    expect(await order(policiesPath(one.id))).toEqual(["B:1", "A:2"]);
    expect(await order(policiesPath(two.id))).toEqual(["X:1"]);
  });
});

describe("rules: priority", () => {
  it("puts new rules last, inserts at a given priority and moves on replace", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const path = rulesPath(server.id, policy.id);
    const a = await createRule(server.id, policy.id, { name: "A" });
    await createRule(server.id, policy.id, { name: "B" });
    await createRule(server.id, policy.id, { name: "C" });
    expect(await order(path)).toEqual(["A:1", "B:2", "C:3"]);
    expect((await createRule(server.id, policy.id, { name: "D", priority: 2 })).priority).toBe(2);
    expect(await order(path)).toEqual(["A:1", "D:2", "B:3", "C:4"]);
    expect((await createRule(server.id, policy.id, { name: "E", priority: 40 })).priority).toBe(5);
    await send("PUT", `${path}/${a.id}`, ruleBody({ name: "A", priority: 4 }));
    expect(await order(path)).toEqual(["D:1", "B:2", "C:3", "A:4", "E:5"]);
    await send("PUT", `${path}/${a.id}`, ruleBody({ name: "A", priority: 1 }));
    expect(await order(path)).toEqual(["A:1", "D:2", "B:3", "C:4", "E:5"]);
  });

  it("closes the gap when a rule is deleted", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const path = rulesPath(server.id, policy.id);
    const created = [];
    for (const name of ["A", "B", "C"]) created.push(await createRule(server.id, policy.id, { name }));
    expect((await send("DELETE", `${path}/${created[0]!.id}`)).status).toBe(204);
    expect(await order(path)).toEqual(["B:1", "C:2"]);
  });

  it("orders each policy's rules on their own", async () => {
    const server = await createServer();
    const [p1, p2] = [await createPolicy(server.id, { name: "P1" }), await createPolicy(server.id, { name: "P2" })];
    await createRule(server.id, p1.id, { name: "A" });
    await createRule(server.id, p2.id, { name: "X" });
    await createRule(server.id, p2.id, { name: "Y", priority: 1 });
    await createRule(server.id, p1.id, { name: "B", priority: 1 });
    expect(await order(rulesPath(server.id, p1.id))).toEqual(["B:1", "A:2"]);
    expect(await order(rulesPath(server.id, p2.id))).toEqual(["Y:1", "X:2"]);
    // Deleting a policy leaves the policy order contiguous and the other policy's rules alone.
    await send("DELETE", `${policiesPath(server.id)}/${p1.id}`);
    expect(await order(policiesPath(server.id))).toEqual(["P2:1"]);
    expect(await order(rulesPath(server.id, p2.id))).toEqual(["Y:1", "X:2"]);
  });
});
