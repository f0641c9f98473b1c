import { describe, expect, it } from "vitest";
import { createServer } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { HEADERS_NOT_SET } from "./body-errors";

import { POLICY_INVALID, policiesPath, send, policyBody, createPolicy, getJson } from "./policy-fixtures";

describe("policies: validation", () => {
  it.each([
    ["no name", { name: undefined }, ["name: The field is required"]],
    ["a blank name", { name: "   " }, ["name: The field cannot be left blank"]],
    ["a name that is not a string", { name: 7 }, ["name: Expected a string"]],
    ["a name over 100 characters", { name: "n".repeat(101) }, ["name: Too big: expected string to have <=100 characters"]],
    ["no description", { description: undefined }, ["description: The field is required"]],
    ["an empty description", { description: "" }, ["description: The field cannot be left blank"]],
    ["a description over 255 characters", { description: "d".repeat(256) }, ["description: Too big: expected string to have <=255 characters"]],
    ["another policy type", { type: "OKTA_SIGN_ON" }, ["type: Expected OAUTH_AUTHORIZATION_POLICY"]],
    ["an unknown status", { status: "DELETED" }, ['status: Invalid option: expected one of "ACTIVE"|"INACTIVE"']],
    ["priority 0", { priority: 0 }, ["priority: Priority starts at 1"]],
    ["a fractional priority", { priority: 1.5 }, ["priority: Expected a whole number"]],
    ["a priority as a string", { priority: "1" }, ["priority: Invalid input: expected number, received string"]],
    ["no conditions", { conditions: undefined }, ["conditions: The field is required"]],
    ["no client condition", { conditions: {} }, ["conditions.clients: The field is required"]],
    ["no client include list", { conditions: { clients: {} } }, ["conditions.clients.include: The field is required"]],
    ["an empty client include list", { conditions: { clients: { include: [] } } }, ["conditions.clients.include: Include ALL_CLIENTS or at least one client id"]],
    ["a blank client id", { conditions: { clients: { include: [""] } } }, ["conditions.clients.include.0: An id cannot be blank"]],
    [
      "ALL_CLIENTS next to client ids",
      { conditions: { clients: { include: ["ALL_CLIENTS", "0oaClient"] } } },
      ["conditions.clients.include: ALL_CLIENTS cannot be combined with client ids"],
    ],
  ])("refuses a policy with %s", async (_, over, causes) => {
    const server = await createServer();
    await expectOktaError(await send("POST", policiesPath(server.id), policyBody(over)), 400, "E0000001", POLICY_INVALID, causes);
    expect(await getJson(policiesPath(server.id))).toEqual([]);
  });

  it("reports every invalid field at once", async () => {
    const server = await createServer();
    await expectOktaError(await send("POST", policiesPath(server.id), {}), 400, "E0000001", POLICY_INVALID, [
      "name: The field is required",
      "description: The field is required",
      "conditions: The field is required",
    ]);
  });

  it("validates a replacement the same way and leaves the policy unchanged", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await expectOktaError(
      await send("PUT", `${policiesPath(server.id)}/${policy.id}`, policyBody({ description: undefined })),
      400,
      "E0000001",
      POLICY_INVALID,
      ["description: The field is required"],
    );
    expect(await getJson(`${policiesPath(server.id)}/${policy.id}`)).toEqual(policy);
  });

  it("refuses a request without a JSON body", async () => {
    const server = await createServer();
    await expectOktaError(await send("POST", policiesPath(server.id)), 400, ...HEADERS_NOT_SET, ["Content-Type: expected application/json, got none"]);
  });
});
