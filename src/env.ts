import { z } from "zod";
import type { KeyStore } from "./keys/key-store";
import type { Actor, LogEvent } from "./log/event";

/** The Worker's bindings, as wrangler.toml and the secrets declare them. */
export interface Env {
  DB: D1Database;
  KEYS: DurableObjectNamespace<KeyStore>;
  ADMIN_TOKEN?: string;
  KEY_ENCRYPTION_SECRET?: string;
  ORG_URL?: string;
  CUSTOM_DOMAIN_URL?: string;
  KEY_ROTATION_PERIOD_SECONDS?: string;
  KEY_OVERLAP_SECONDS?: string;
  CACHE_STALENESS_SECONDS?: string;
  /** The System Log queue (wrangler.toml); without it, events are not recorded (the bench's "logging off"). */
  LOG_QUEUE?: Queue<LogEvent[]>;
  LOG_RETENTION_DAYS?: string;
  /** Service bindings hooks may name as `service://BINDING/path` (README "Hooks through a Service Binding"). */
  [binding: `HOOK_${string}`]: Fetcher | undefined;
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));

const ConfigSchema = z.object({
  ADMIN_TOKEN: z.string().min(16).optional(),
  KEY_ENCRYPTION_SECRET: z.string().min(32, "KEY_ENCRYPTION_SECRET must be at least 32 characters"),
  ORG_URL: url.optional(),
  CUSTOM_DOMAIN_URL: url.optional(),
  // Okta: keys rotate about four times a year.
  KEY_ROTATION_PERIOD_SECONDS: seconds(90 * 24 * 3600),
  // Longer than the longest token lifetime (Okta: access tokens up to 1 day) plus cache staleness.
  KEY_OVERLAP_SECONDS: seconds(2 * 24 * 3600),
  CACHE_STALENESS_SECONDS: seconds(30),
  // Okta keeps System Log events 90 days.
  LOG_RETENTION_DAYS: seconds(90),
});

export type Config = z.infer<typeof ConfigSchema>;

const parsed = new WeakMap<object, Config>();

/** Validated configuration, parsed once per bindings object. Throws on a misconfigured deployment. */
export function config(env: Env): Config {
  let cfg = parsed.get(env);
  if (!cfg) {
    const result = ConfigSchema.safeParse(env);
    if (!result.success) {
      throw new Error(`Invalid Mintgate configuration: ${z.prettifyError(result.error)}`);
    }
    cfg = result.data;
    parsed.set(env, cfg);
  }
  return cfg;
}

/** Hono's environment type for every app and middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The request's time, read once from clock.ts (epoch milliseconds). */
    now: number;
    requestId: string;
    /** Who is calling the admin API (set by requireAdmin): the System Log's actor. */
    actor?: Actor;
  };
}
