/** Okta: app.oauth2.as.key.rollover ("Custom Authorization Server token signing key rolled over"); the org server's is app.oauth2.key.rollover. */
import { ORG_SERVER_ID } from "../issuer";
import type { EventInput } from "./event";

export function rolloverEvent(keyStoreId: string, fromKid: string | undefined, toKid: string | undefined): EventInput {
  // The org server has two key stores ("org" and its access-token keys); both are the org server's keys.
  const org = keyStoreId === ORG_SERVER_ID || keyStoreId.startsWith(`${ORG_SERVER_ID}:`) || keyStoreId.startsWith(`${ORG_SERVER_ID}-`);
  return {
    eventType: org ? "app.oauth2.key.rollover" : "app.oauth2.as.key.rollover",
    displayMessage: org ? "Org Authorization Server token signing key rolled over" : "Custom Authorization Server token signing key rolled over",
    target: [{ id: org ? ORG_SERVER_ID : keyStoreId, type: "AuthorizationServer", alternateId: null, displayName: null, detailEntry: null }],
    debugData: { rotationType: "AUTOMATIC", previousKid: fromKid ?? null, newKid: toKid ?? null },
  };
}
