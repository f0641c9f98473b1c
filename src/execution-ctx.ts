import type { Context } from "hono";

/**
 * The request's ExecutionContext, or undefined where there is none: Hono's getter throws when the app runs
 * without one (app.request() in a test). Work that must outlive the response (the System Log's queue send) needs
 * it, and so does every in-process call the console makes through the Worker's fetch, which passes it on.
 */
export function executionCtxOf(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx as unknown as ExecutionContext;
  } catch {
    return undefined;
  }
}
