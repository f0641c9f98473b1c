/**
 * Okta's LogEvent (System Log API): the one shape the log stores, /api/v1/logs returns and event hooks deliver.
 * Fields Mintgate has nothing for (geography, security context) are null, as Okta sends them when unknown.
 */
import { uuidV7 } from "../ids";

export type Severity = "DEBUG" | "INFO" | "WARN" | "ERROR";
export type OutcomeResult = "SUCCESS" | "FAILURE" | "SKIPPED" | "ALLOW" | "DENY" | "CHALLENGE" | "UNKNOWN" | "RATE_LIMIT";

/** An actor or a target: Okta's {id, type, alternateId, displayName, detailEntry}. */
export interface Actor {
  id: string;
  type: string;
  alternateId: string | null;
  displayName: string | null;
  detailEntry?: Record<string, unknown> | null;
}

export type Target = Actor;

export interface LogEvent {
  uuid: string;
  published: string;
  eventType: string;
  // Okta: the schema says string; emit "0" (notes 1.1).
  version: "0";
  severity: Severity;
  legacyEventType: string | null;
  displayMessage: string;
  actor: Actor;
  client: {
    userAgent: { rawUserAgent: string | null; os: string | null; browser: string | null } | null;
    zone: string | null;
    device: string | null;
    id: string | null;
    ipAddress: string | null;
    geographicalContext: null;
  };
  device: null;
  authenticationContext: {
    authenticationProvider: string | null;
    credentialProvider: string | null;
    credentialType: string | null;
    issuer: { id: string | null; type: string | null } | null;
    interface: string | null;
    authenticationStep: 0;
    externalSessionId: string | null;
  };
  outcome: { result: OutcomeResult; reason: string | null };
  securityContext: { asNumber: null; asOrg: null; isp: null; domain: null; isProxy: null };
  debugContext: { debugData: Record<string, unknown> };
  transaction: { type: "WEB" | "JOB"; id: string; detail: Record<string, unknown> };
  request: { ipChain: Array<{ ip: string; geographicalContext: null; version: "V4" | "V6"; source: null }> };
  target: Target[];
}

/** What a call site says about an event; the request (or job) supplies the rest. */
export interface EventInput {
  eventType: string;
  displayMessage: string;
  severity?: Severity;
  outcome?: { result: OutcomeResult; reason?: string | null };
  actor?: Actor;
  target?: Target[];
  debugData?: Record<string, unknown>;
  /** The OAuth client the request came from (Okta: client.id is its client_id). */
  clientId?: string | null;
  credentialType?: string | null;
  externalSessionId?: string | null;
}

/** How much of a request's User-Agent an event keeps. */
export const MAX_USER_AGENT = 512;

/** Where an event happened: an HTTP request (WEB) or a scheduled/queued job (JOB). */
export interface EventOrigin {
  now: number;
  transactionId: string;
  transactionType: "WEB" | "JOB";
  ipAddress: string | null;
  userAgent: string | null;
  requestUri: string | null;
  actor: Actor;
  transactionDetail?: Record<string, unknown>;
}

/** Okta's actor for work no person or client did (rotation by the schedule, hook deliveries). */
export const SYSTEM_ACTOR: Actor = { id: "system", type: "SystemPrincipal", alternateId: "system@mintgate", displayName: "Mintgate", detailEntry: null };

export const actorOf = (id: string, type: string, alternateId: string | null = null, displayName: string | null = null): Actor => ({
  id,
  type,
  alternateId,
  displayName,
  detailEntry: null,
});

/**
 * The LogEvent of a call site's input at its origin. The uuid is time-ordered (UUID v7; Okta's are v1, also
 * time-based) and made where the event happens (emit.ts), so that every delivery of it carries the same one.
 */
export function buildEvent(input: EventInput, origin: EventOrigin, uuid: string = uuidV7(origin.now)): LogEvent {
  const ip = origin.ipAddress;
  return {
    uuid,
    published: new Date(origin.now).toISOString(),
    eventType: input.eventType,
    version: "0",
    severity: input.severity ?? (input.outcome?.result === "FAILURE" ? "WARN" : "INFO"),
    legacyEventType: null,
    displayMessage: input.displayMessage,
    actor: input.actor ?? origin.actor,
    client: {
      // Capped: a queue message carries many events (emit.ts), and a user agent is the one unbounded field.
      userAgent: origin.userAgent === null ? null : { rawUserAgent: origin.userAgent.slice(0, MAX_USER_AGENT), os: null, browser: null },
      zone: null,
      device: null,
      id: input.clientId ?? null,
      ipAddress: ip,
      geographicalContext: null,
    },
    device: null,
    authenticationContext: {
      authenticationProvider: null,
      credentialProvider: null,
      credentialType: input.credentialType ?? null,
      issuer: null,
      interface: null,
      authenticationStep: 0,
      externalSessionId: input.externalSessionId ?? null,
    },
    outcome: { result: input.outcome?.result ?? "SUCCESS", reason: input.outcome?.reason ?? null },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    debugContext: {
      debugData: { ...(origin.requestUri ? { requestId: origin.transactionId, requestUri: origin.requestUri, url: origin.requestUri } : {}), ...input.debugData },
    },
    transaction: { type: origin.transactionType, id: origin.transactionId, detail: origin.transactionDetail ?? {} },
    request: { ipChain: ip ? [{ ip, geographicalContext: null, version: ip.includes(":") ? "V6" : "V4", source: null }] : [] },
    target: input.target ?? [],
  };
}
