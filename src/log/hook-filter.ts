/**
 * Okta's event hook filters (EventHookFilters, Early Access): `events.filter` = {type: EXPRESSION_LANGUAGE,
 * eventFilterMap: [{event, condition: {expression, version}}]}. An event of a type in the map is delivered to the
 * hook only when its condition, an Okta EL expression over `event` (the LogEvent), evaluates to true; events of
 * the other subscribed types are delivered as before. Okta's help ("Okta Expression Language and event hooks")
 * names the fields a filter reads: event.eventType, event.outcome.*, event.actor.*, event.debugData.changedAttributes
 * and event.target.?[...] (SpEL collection selection).
 */
import { evaluateExpression, EVENT_FILTER_ROOTS, parseExpression, type Expr } from "../policy/expression";
import type { LogEvent } from "./event";

export interface EventFilter {
  type: "EXPRESSION_LANGUAGE";
  eventFilterMap: Array<{ event: string; condition: { version: null; expression: string } }>;
}

/** A filter's expression as the admin API checks it: parsed with `event` as the only binding, and a boolean. */
export function parseFilterExpression(expression: string): { ok: true; ast: Expr } | { ok: false; error: string } {
  const parsed = parseExpression(expression, undefined, { roots: EVENT_FILTER_ROOTS, boolean: true });
  return parsed.ok ? parsed : { ok: false, error: `${parsed.error.message} at position ${parsed.error.position}` };
}

/** The conditions by event type, parsed once per delivery batch; a stored one that no longer parses drops its events. */
export type CompiledFilter = Map<string, Expr | null>;

export function compileFilter(filter: EventFilter | null | undefined): CompiledFilter | null {
  if (!filter || filter.eventFilterMap.length === 0) return null;
  return new Map(filter.eventFilterMap.map((f) => {
    const parsed = parseFilterExpression(f.condition.expression);
    return [f.event, parsed.ok ? parsed.ast : null];
  }));
}

/**
 * Whether the hook receives this event. Okta: a filter "must evaluate to a Boolean: True to include"; anything
 * else (false, null, an evaluation error) keeps the event from the hook. The event is still in the System Log.
 */
export function passesFilter(compiled: CompiledFilter | null, event: LogEvent, now: number): boolean {
  if (!compiled || !compiled.has(event.eventType)) return true;
  const ast = compiled.get(event.eventType);
  if (!ast) return false;
  const view = { ...event, debugData: event.debugContext.debugData } as unknown as Record<string, unknown>;
  const result = evaluateExpression(ast, { user: null, app: { id: "", clientId: "", label: "" }, org: { name: "", subdomain: "" }, access: { scope: [] }, now, event: view });
  return result.ok && result.value === true;
}
