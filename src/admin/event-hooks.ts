import { Hono, type Context } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import { config, type AppEnv } from "../env";
import { ApiError, validationError } from "../errors";
import { HOOK_AUTH_PURPOSE, sendToHook, uriProblem } from "../hooks/channel";
import { newId, randomBase62 } from "../ids";
import { orgBase } from "../issuer";
import { seal } from "../seal";
import {
  countActiveEventHooks,
  deleteEventHook,
  getEventHook,
  insertEventHook,
  listEventHooks,
  markEventHookVerified,
  replaceEventHook,
  setEventHookStatus,
  type EventHookRecord,
} from "../store/hooks";
import { readBody } from "./body";
import { EventHook, EventHookInput, storedChannel, storedEvents, toEventHookResponse, type ChannelWrite } from "./hook-schema";
import type { Operation } from "./openapi";

const WHAT = "EventHook";
/** Okta: at most 25 active event hooks per org. */
export const MAX_EVENT_HOOKS = 25;
const LIFECYCLE = "/:id/lifecycle/:action{activate|deactivate}";

export const eventHookOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listEventHooks", summary: "List all event hooks", status: 200, response: z.array(EventHook) },
  { method: "post", path: "/", operationId: "createEventHook", summary: "Create an event hook", body: EventHookInput, status: 200, response: EventHook },
  { method: "get", path: "/:id", operationId: "getEventHook", summary: "Retrieve an event hook", status: 200, response: EventHook },
  { method: "put", path: "/:id", operationId: "replaceEventHook", summary: "Replace an event hook", body: EventHookInput, status: 200, response: EventHook },
  { method: "delete", path: "/:id", operationId: "deleteEventHook", summary: "Delete an event hook (INACTIVE only)", status: 204 },
  { method: "post", path: LIFECYCLE, operationId: "EventHook", summary: "Activate or deactivate an event hook", status: 200, response: EventHook },
  { method: "post", path: "/:id/lifecycle/verify", operationId: "verifyEventHook", summary: "Verify an event hook (one-time verification request)", status: 200, response: EventHook },
];

async function requireEventHook(c: Context<AppEnv>, id: string): Promise<EventHookRecord> {
  const hook = await getEventHook(c.env.DB, id);
  if (!hook) throw new ApiError("E0000007", `Resource not found: ${id} (EventHook)`);
  return hook;
}

/** The channel checked against this Worker (https, loopback http, or a HOOK_ Service Binding). */
function checkChannel(c: Context<AppEnv>, channel: ChannelWrite): void {
  const problem = uriProblem(channel.config.uri, c.env);
  if (problem) throw validationError(WHAT, [`channel.config.uri: ${problem}`]);
}

/** The sealed auth header value: a new one when given, else the one stored (a replace may leave it out). */
async function sealedAuth(c: Context<AppEnv>, id: string, channel: ChannelWrite, existing: string | null): Promise<string | null> {
  const auth = channel.config.authScheme;
  if (!auth) return null;
  if (auth.value === undefined) return existing;
  return seal(config(c.env).KEY_ENCRYPTION_SECRET, HOOK_AUTH_PURPOSE, id, auth.value);
}

/**
 * Okta's one-time verification: a GET to the channel URI carrying X-Okta-Verification-Challenge, answered with
 * {"verification": <the challenge>}; 3 seconds, one retry after a timeout or an error response.
 */
async function verifies(c: Context<AppEnv>, hook: EventHookRecord): Promise<boolean> {
  const challenge = randomBase62(40);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await sendToHook(c.env, { channel: hook.channel, sealedAuth: hook.sealedAuth, hookId: hook.id }, {
        method: "GET",
        extraHeaders: { "X-Okta-Verification-Challenge": challenge },
      });
      if (res.ok) {
        const body = (await res.json().catch(() => null)) as { verification?: unknown } | null;
        return body?.verification === challenge;
      }
      await res.body?.cancel();
    } catch (err) {
      // A timeout or a network failure is the hook not answering: retried once, then the verification fails.
      if (!(err instanceof Error)) throw err;
    }
  }
  return false;
}

export const eventHooks = new Hono<AppEnv>()
  .get("/", async (c) => {
    const base = orgBase(c.env, c.req.url);
    return c.json((await listEventHooks(c.env.DB)).map((h) => toEventHookResponse(h, base)));
  })
  .post("/", async (c) => {
    const input = await readBody(c, EventHookInput, WHAT);
    checkChannel(c, input.channel);
    if ((await countActiveEventHooks(c.env.DB)) >= MAX_EVENT_HOOKS) {
      throw validationError(WHAT, [`Your org has reached the limit of ${MAX_EVENT_HOOKS} active event hooks.`]);
    }
    const id = newId("who");
    const now = isoTime(c.get("now"));
    const hook: EventHookRecord = {
      id,
      name: input.name,
      description: input.description ?? null,
      // Okta: a new hook is ACTIVE and UNVERIFIED; it receives events once verified.
      status: "ACTIVE",
      verificationStatus: "UNVERIFIED",
      events: storedEvents(input.events),
      channel: storedChannel(input.channel),
      sealedAuth: await sealedAuth(c, id, input.channel, null),
      createdBy: c.get("actor")?.id ?? "unknown",
      created: now,
      lastUpdated: now,
    };
    await insertEventHook(c.env.DB, hook);
    // Okta: creating an event hook answers 200.
    return c.json(toEventHookResponse(hook, orgBase(c.env, c.req.url)));
  })
  .get("/:id", async (c) => c.json(toEventHookResponse(await requireEventHook(c, c.req.param("id")), orgBase(c.env, c.req.url))))
  .put("/:id", async (c) => {
    const existing = await requireEventHook(c, c.req.param("id"));
    const input = await readBody(c, EventHookInput, WHAT);
    checkChannel(c, input.channel);
    const replaced = await replaceEventHook(c.env.DB, {
      id: existing.id,
      name: input.name,
      description: input.description ?? null,
      events: storedEvents(input.events),
      channel: storedChannel(input.channel),
      sealedAuth: await sealedAuth(c, existing.id, input.channel, existing.sealedAuth),
      lastUpdated: isoTime(c.get("now")),
    });
    if (!replaced) throw new ApiError("E0000007", `Resource not found: ${existing.id} (EventHook)`);
    return c.json(toEventHookResponse(replaced, orgBase(c.env, c.req.url)));
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    const result = await deleteEventHook(c.env.DB, id);
    if (result === "missing") throw new ApiError("E0000007", `Resource not found: ${id} (EventHook)`);
    // Okta: only an INACTIVE event hook can be deleted.
    if (result === "active") throw validationError(WHAT, ["status: Only an INACTIVE event hook can be deleted; deactivate it first."]);
    return c.body(null, 204);
  })
  .post(LIFECYCLE, async (c) => {
    const id = c.req.param("id");
    const status = c.req.param("action") === "activate" ? "ACTIVE" : "INACTIVE";
    if (status === "ACTIVE" && (await countActiveEventHooks(c.env.DB)) >= MAX_EVENT_HOOKS) {
      const current = await requireEventHook(c, id);
      if (current.status !== "ACTIVE") throw validationError(WHAT, [`Your org has reached the limit of ${MAX_EVENT_HOOKS} active event hooks.`]);
    }
    const hook = await setEventHookStatus(c.env.DB, id, status, isoTime(c.get("now")));
    if (!hook) throw new ApiError("E0000007", `Resource not found: ${id} (EventHook)`);
    return c.json(toEventHookResponse(hook, orgBase(c.env, c.req.url)));
  })
  .post("/:id/lifecycle/verify", async (c) => {
    const hook = await requireEventHook(c, c.req.param("id"));
    // Okta: a failed verification is 400 E0000001 and leaves the hook UNVERIFIED.
    if (!(await verifies(c, hook))) {
      throw validationError(WHAT, ["Verification failed: the endpoint did not answer the X-Okta-Verification-Challenge with {\"verification\": <challenge>} within 3 seconds."]);
    }
    const verified = await markEventHookVerified(c.env.DB, hook.id, JSON.stringify(hook.channel), isoTime(c.get("now")));
    if (!verified) throw validationError(WHAT, ["Verification failed: the hook's channel changed while it was being verified."]);
    return c.json(toEventHookResponse(verified, orgBase(c.env, c.req.url)));
  });
