/**
 * Okta's EventHook and InlineHook objects (management API, EventHook and InlineHook schemas): the write bodies,
 * validated here, and the responses, built here. The auth header's value is write-only: never returned.
 */
import { z } from "zod";
import type { HookChannel } from "../hooks/channel";
import { isHookEligible } from "../log/event-types";
import { parseFilterExpression } from "../log/hook-filter";
import type { EventHookRecord, InlineHookRecord } from "../store/hooks";
import { link } from "./links";
import { Links } from "./openapi";

const blank = (i: { input: unknown }) => (i.input === undefined || i.input === null ? "The field cannot be left blank" : "Expected a string");
const Name = z.string({ error: blank }).trim().min(1, "The field cannot be left blank").max(255, "must be at most 255 characters");

/** Okta's HTTP channel (type HTTP, version 1.0.0); method is read-only POST; authScheme type HEADER only. */
export const ChannelInput = z.object({
  type: z.literal("HTTP", { error: "must be HTTP" }),
  version: z.literal("1.0.0", { error: "must be 1.0.0" }),
  config: z.object(
    {
      uri: z.string({ error: blank }).min(1, "The field cannot be left blank").max(1024, "must be at most 1024 characters"),
      headers: z
        .array(z.object({ key: z.string().min(1).max(255).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a header name"), value: z.string().max(1024) }))
        .max(20)
        .nullish(),
      method: z.literal("POST").nullish(),
      authScheme: z
        .object({
          type: z.enum(["HEADER", "header"], { error: "must be HEADER" }),
          key: z.string().min(1).max(255).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a header name"),
          value: z.string().min(1).max(1024).optional(),
        })
        .nullish(),
    },
    { error: "The field cannot be left blank" },
  ),
});

export type ChannelWrite = z.infer<typeof ChannelInput>;

/** The channel as stored: Okta's fields, the secret taken out. */
export const storedChannel = (c: ChannelWrite): HookChannel => ({
  type: "HTTP",
  version: "1.0.0",
  config: {
    uri: c.config.uri,
    headers: c.config.headers ?? [],
    method: "POST",
    authScheme: c.config.authScheme ? { type: "HEADER", key: c.config.authScheme.key } : null,
  },
});

/**
 * Okta's EventHookFilters: type EXPRESSION_LANGUAGE (read-only in Okta's schema, accepted as its examples send it),
 * and one condition per subscribed event type, an Okta EL expression over `event` that must be a boolean.
 */
const EventFilterInput = z.object(
  {
    type: z.literal("EXPRESSION_LANGUAGE", { error: "must be EXPRESSION_LANGUAGE" }).nullish(),
    eventFilterMap: z
      .array(
        z.object({
          event: z.string({ error: blank }).min(1, "The field cannot be left blank"),
          condition: z.object(
            {
              expression: z.string({ error: blank }).trim().min(1, "The field cannot be left blank").max(1024, "must be at most 1024 characters"),
              version: z.string().nullish(),
            },
            { error: "The field cannot be left blank" },
          ),
        }),
      )
      .max(300, "at most 300 filters"),
  },
  { error: "must be an object with type EXPRESSION_LANGUAGE and an eventFilterMap" },
);

/** A filter is checked against the hook's own events: each maps a subscribed type, once, to an expression that parses. */
function checkFilter(events: { items: string[]; filter?: z.infer<typeof EventFilterInput> | null }, ctx: z.RefinementCtx): void {
  const subscribed = new Set(events.items);
  const seen = new Set<string>();
  events.filter?.eventFilterMap.forEach((f, i) => {
    const at = ["filter", "eventFilterMap", i];
    if (!subscribed.has(f.event)) ctx.addIssue({ code: "custom", path: [...at, "event"], message: `${f.event} is not one of the event hook's subscribed event types (events.items)` });
    else if (seen.has(f.event)) ctx.addIssue({ code: "custom", path: [...at, "event"], message: `${f.event} has more than one filter` });
    seen.add(f.event);
    // A blank expression is already "cannot be left blank".
    const parsed = f.condition.expression.trim() === "" ? ({ ok: true } as const) : parseFilterExpression(f.condition.expression);
    if (!parsed.ok) ctx.addIssue({ code: "custom", path: [...at, "condition", "expression"], message: `Invalid Okta Expression Language expression: ${parsed.error}` });
  });
}

export const EventHookInput = z
  .object({
    name: Name,
    description: z.string().max(1024).nullish(),
    events: z
      .object(
        {
          type: z.literal("EVENT_TYPE", { error: "must be EVENT_TYPE" }),
          // Okta: at most 300 event types per hook, each one the catalog tags event-hook-eligible.
          items: z
            .array(z.string().refine(isHookEligible, { error: (i) => `${String(i.input)} is not an event type an event hook can subscribe to` }))
            .min(1, "at least one event type is required")
            .max(300, "at most 300 event types"),
          filter: EventFilterInput.nullish(),
        },
        { error: "The field cannot be left blank" },
      )
      .superRefine(checkFilter),
    channel: ChannelInput,
  })
  .meta({ id: "EventHookWrite" });

/** Okta's events object as stored and returned: the filter in Okta's shape (condition.version null), or null. */
export function storedEvents(events: z.infer<typeof EventHookInput>["events"]): EventHookRecord["events"] {
  const map = events.filter?.eventFilterMap ?? [];
  return {
    type: "EVENT_TYPE",
    items: [...new Set(events.items)],
    // Okta: removing every filter turns filtering off for the hook.
    filter: map.length ? { type: "EXPRESSION_LANGUAGE", eventFilterMap: map.map((f) => ({ event: f.event, condition: { version: null, expression: f.condition.expression } })) } : null,
  };
}

export const INLINE_HOOK_TYPES = [
  "com.okta.import.transform",
  "com.okta.oauth2.tokens.transform",
  "com.okta.saml.tokens.transform",
  "com.okta.telephony.provider",
  "com.okta.user.credential.password.import",
  "com.okta.user.pre-registration",
] as const;

/** Mintgate runs the token hook only; the others are Okta types for products Mintgate does not have. */
export const TOKEN_HOOK = "com.okta.oauth2.tokens.transform";

export const InlineHookInput = z
  .object({
    name: Name,
    type: z.literal(TOKEN_HOOK, { error: `must be ${TOKEN_HOOK} (the only inline hook type Mintgate runs)` }),
    version: z.literal("1.0.0", { error: "must be 1.0.0" }),
    channel: ChannelInput,
  })
  .meta({ id: "InlineHookCreate" });

/** Okta: the replace body is InlineHookReplace, without type. */
export const InlineHookReplaceInput = InlineHookInput.omit({ type: true }).extend({ type: z.string().optional() }).meta({ id: "InlineHookReplace" });

const ChannelOut = z.object({
  type: z.literal("HTTP"),
  version: z.string(),
  config: z.object({
    uri: z.string(),
    headers: z.array(z.object({ key: z.string(), value: z.string() })),
    method: z.string(),
    authScheme: z.object({ type: z.string(), key: z.string() }).nullable(),
  }),
});

export const EventHook = z
  .object({
    id: z.string(),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    verificationStatus: z.enum(["UNVERIFIED", "VERIFIED"]),
    name: z.string(),
    description: z.string().nullable(),
    created: z.string(),
    createdBy: z.string(),
    lastUpdated: z.string(),
    events: z.object({
      type: z.literal("EVENT_TYPE"),
      items: z.array(z.string()),
      filter: z
        .object({
          type: z.literal("EXPRESSION_LANGUAGE"),
          eventFilterMap: z.array(z.object({ event: z.string(), condition: z.object({ version: z.null(), expression: z.string() }) })),
        })
        .nullable(),
    }),
    channel: ChannelOut,
    _links: Links,
  })
  .meta({ id: "EventHook" });

export const InlineHook = z
  .object({
    id: z.string(),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    name: z.string(),
    type: z.string(),
    version: z.string(),
    channel: ChannelOut,
    created: z.string(),
    lastUpdated: z.string(),
    _links: Links,
  })
  .meta({ id: "InlineHook" });

// Okta's examples echo the auth header's name in lowercase (notes 8).
const channelOut = (c: HookChannel, lowerType: boolean) => ({
  ...c,
  config: { ...c.config, authScheme: c.config.authScheme ? { type: lowerType ? "header" : "HEADER", key: c.config.authScheme.key.toLowerCase() } : null },
});

export function toEventHookResponse(h: EventHookRecord, base: string): z.infer<typeof EventHook> {
  const self = `${base}/api/v1/eventHooks/${h.id}`;
  return {
    id: h.id,
    status: h.status,
    verificationStatus: h.verificationStatus,
    name: h.name,
    description: h.description,
    created: h.created,
    createdBy: h.createdBy,
    lastUpdated: h.lastUpdated,
    events: { type: h.events.type, items: h.events.items, filter: h.events.filter },
    channel: channelOut(h.channel, false),
    _links: {
      self: link(self),
      verify: link(`${self}/lifecycle/verify`, "POST"),
      ...(h.status === "ACTIVE" ? { deactivate: link(`${self}/lifecycle/deactivate`, "POST") } : { activate: link(`${self}/lifecycle/activate`, "POST") }),
    },
  };
}

export function toInlineHookResponse(h: InlineHookRecord, base: string): z.infer<typeof InlineHook> {
  const self = `${base}/api/v1/inlineHooks/${h.id}`;
  return {
    id: h.id,
    status: h.status,
    name: h.name,
    type: h.type,
    version: h.version,
    channel: channelOut(h.channel, true),
    created: h.created,
    lastUpdated: h.lastUpdated,
    _links: {
      self: link(self),
      ...(h.status === "ACTIVE"
        ? { deactivate: link(`${self}/lifecycle/deactivate`, "POST") }
        : { activate: link(`${self}/lifecycle/activate`, "POST"), delete: link(self, "DELETE") }),
      execute: link(`${self}/execute`, "POST"),
    },
  };
}
