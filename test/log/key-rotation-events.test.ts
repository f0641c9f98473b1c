import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { KeyStore } from "../../src/keys/key-store";
import { createServer } from "../support/admin";
import { keyStoreOf } from "../support/fixtures";
import { waitForEvents } from "../support/log";

// Issue 13: key rotation reaches the System Log whether the schedule or an admin rotated (Okta: app.oauth2.as.key.rollover).
describe("the System Log's automatic key rotation", () => {
  it("records app.oauth2.as.key.rollover as a JOB by the system, with the previous and the new kid", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    const stub = keyStoreOf(s.id);
    await runInDurableObject(stub, (_: KeyStore, state) => state.storage.sql.exec("UPDATE meta SET v = ? WHERE k = 'next_rotation'", String(Date.now() - 1000)));
    await evictDurableObject(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [e] = await waitForEvents((e) => e.eventType === "app.oauth2.as.key.rollover" && e.target[0]?.id === s.id && e.transaction.type === "JOB");
    expect(e).toMatchObject({
      displayMessage: "Custom Authorization Server token signing key rolled over",
      actor: { id: "system", type: "SystemPrincipal" },
      outcome: { result: "SUCCESS" },
      target: [{ id: s.id, type: "AuthorizationServer" }],
      debugContext: { debugData: { rotationType: "AUTOMATIC", previousKid: oldKid, newKid: expect.any(String) } },
    });
    expect(e!.debugContext.debugData.newKid).not.toBe(oldKid);
  });
});
