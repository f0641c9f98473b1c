import { describe, expect, it } from "vitest";
import { admin, BASE, call, createServer } from "../support/admin";
import { expectOktaError, getServer, serverNotFound } from "../support/fixtures";
import { ISO_MS, expectedLinks, put, lifecycle } from "./authorization-server-fixtures";

describe("activating and deactivating", () => {
  it("deactivates with 204 and flips status and _links, then activates again", async () => {
    const s = await createServer();

    const off = await lifecycle(s.id, "deactivate");
    expect(off.status).toBe(204);
    expect(await off.text()).toBe("");
    const inactive = await getServer(s.id);
    expect(inactive.status).toBe("INACTIVE");
    expect(inactive._links).toEqual(expectedLinks(s.id, "INACTIVE"));

    const on = await lifecycle(s.id, "activate");
    expect(on.status).toBe(204);
    expect(await on.text()).toBe("");
    const active = await getServer(s.id);
    expect(active.status).toBe("ACTIVE");
    expect(active._links).toEqual(expectedLinks(s.id, "ACTIVE"));
  });

  it("answers 204 to deactivating a server that is already INACTIVE", async () => {
    const s = await createServer();
    expect((await lifecycle(s.id, "deactivate")).status).toBe(204);
    const first = await getServer(s.id);
    expect((await lifecycle(s.id, "deactivate")).status).toBe(204);
    expect(await getServer(s.id)).toEqual(first);
  });

  it("takes an INACTIVE server's discovery document offline until it is activated", async () => {
    const s = await createServer();
    await lifecycle(s.id, "deactivate");
    await expectOktaError(await call(`/oauth2/${s.id}/.well-known/openid-configuration`), 404, ...serverNotFound(s.id));
    await lifecycle(s.id, "activate");
    expect((await call(`/oauth2/${s.id}/.well-known/openid-configuration`)).status).toBe(200);
  });
});

describe("the default authorization server", () => {
  it("cannot be deleted: 403 E0000006, and it still exists", async () => {
    const res = await admin("/authorizationServers/default", { method: "DELETE" });
    await expectOktaError(res, 403, "E0000006", "You do not have permission to perform the requested action", [
      "The default authorization server cannot be deleted; deactivate it instead.",
    ]);
    const s = await getServer("default");
    expect(s.status).toBe("ACTIVE");
    expect((await call("/oauth2/default/.well-known/openid-configuration")).status).toBe(200);
  });

  it("can be renamed and deactivated", async () => {
    const original = await getServer("default");
    expect(original).toMatchObject({ id: "default", audiences: ["api://default"], issuer: `${BASE}/oauth2/default` });
    try {
      const res = await put("default", { name: "Renamed default", description: "changed", audiences: ["api://renamed"] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: "default", name: "Renamed default", description: "changed", audiences: ["api://renamed"] });

      expect((await lifecycle("default", "deactivate")).status).toBe(204);
      expect((await getServer("default")).status).toBe("INACTIVE");
    } finally {
      await put("default", { name: original.name, description: original.description, audiences: original.audiences });
      await lifecycle("default", "activate");
    }
    const restored = await getServer("default");
    expect(restored).toEqual({ ...original, lastUpdated: expect.stringMatching(ISO_MS) });
  });
});
