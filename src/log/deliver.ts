/**
 * Event hook delivery (Okta: Event Hooks, "Ongoing event delivery"): the queue consumer hands each batch of events
 * to every ACTIVE and VERIFIED hook subscribed to their types (and passing the hook's filter, hook-filter.ts), in one POST per hook with Okta's body
 * (data.events[] of LogEvent objects). Okta's timeout and retry: 3 seconds, one retry after a 5xx or a timeout,
 * none after a 4xx; a delivery that still fails is logged as event_hook.delivery and dropped. Delivery is at least
 * once (a queue redelivery sends the batch again): receivers de-duplicate by each event's uuid.
 */
import type { Env } from "../env";
import { sendToHook } from "../hooks/channel";
import type { EventHookRecord } from "../store/hooks";
import type { EventInput, LogEvent } from "./event";
import { compileFilter, passesFilter } from "./hook-filter";

/** Okta's event hook request body (CloudEvents 0.1 envelope). */
export function deliveryBody(hook: EventHookRecord, events: LogEvent[], orgUrl: string, now: number) {
  return {
    eventType: "com.okta.event_hook",
    eventTypeVersion: "1.0",
    cloudEventsVersion: "0.1",
    source: `${orgUrl}/api/v1/eventHooks/${hook.id}`,
    eventId: crypto.randomUUID(),
    eventTime: new Date(now).toISOString(),
    contentType: "application/json",
    data: { events },
  };
}

/** One delivery with Okta's single retry; returns why it failed, or null. */
async function deliver(env: Env, hook: EventHookRecord, body: unknown): Promise<string | null> {
  let reason = "";
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await sendToHook(env, { channel: hook.channel, sealedAuth: hook.sealedAuth, hookId: hook.id }, { method: "POST", body });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return null;
      reason = `HTTP ${res.status}`;
      // Okta: a 4xx is not retried.
      if (res.status < 500) return reason;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      reason = err.name === "TimeoutError" ? "timed out after 3 seconds" : `could not connect: ${err.message}`;
    }
  }
  return reason;
}

/**
 * Delivers to every hook in parallel (a slow endpoint delays only its own delivery, and never a token request:
 * this runs in the queue consumer). Returns the events to log about failed deliveries.
 */
export async function deliverToHooks(env: Env, hooks: EventHookRecord[], events: LogEvent[], orgUrl: string, now: number): Promise<EventInput[]> {
  const failures = await Promise.all(
    hooks.map(async (hook): Promise<EventInput | null> => {
      const subscribed = new Set(hook.events.items);
      // Okta's event hook filters: an event whose type has a condition is delivered only when it is true.
      const filter = compileFilter(hook.events.filter);
      const mine = events.filter((e) => subscribed.has(e.eventType) && passesFilter(filter, e, now));
      if (!mine.length) return null;
      const reason = await deliver(env, hook, deliveryBody(hook, mine, orgUrl, now));
      if (reason === null) return null;
      return {
        eventType: "event_hook.delivery",
        displayMessage: "Event hook delivery failed",
        outcome: { result: "FAILURE", reason: reason.slice(0, 255) },
        target: [{ id: hook.id, type: "EventHook", alternateId: hook.name, displayName: hook.name, detailEntry: null }],
        debugData: { eventUuids: mine.map((e) => e.uuid) },
      };
    }),
  );
  return failures.filter((f): f is EventInput => f !== null);
}
