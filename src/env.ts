import { z } from "zod";
import type { WireMessage } from "./log/wire";
import type { KeyStore } from "./keys/key-store";
import type { SessionStore } from "./sessions/session-store";
import type { Actor, Target } from "./log/event";

/** The Worker's bindings, as wrangler.toml and the secrets declare them. */
export interface Env {
  DB: D1Database;
  KEYS: DurableObjectNamespace<KeyStore>;
  /** Person-facing token state (issue 17): codes and refresh-token families, one object per grant (src/sessions/). */
  SESSIONS: DurableObjectNamespace<SessionStore>;
  ADMIN_TOKEN?: string;
  KEY_ENCRYPTION_SECRET?: string;
  /** The secret before the last rotation: read only, until everything is re-sealed (README, Security). */
  KEY_ENCRYPTION_SECRET_PREVIOUS?: string;
  ORG_URL?: string;
  CUSTOM_DOMAIN_URL?: string;
  KEY_ROTATION_PERIOD_SECONDS?: string;
  KEY_OVERLAP_SECONDS?: string;
  CACHE_STALENESS_SECONDS?: string;
  /** Workers Rate Limiting bindings checked before every PBKDF2 (src/oauth/request/throttle.ts). */
  PBKDF2_THROTTLE_IP?: RateLimit;
  RATE_LIMIT_OAUTH_TOKEN_PER_MINUTE?: string;
  RATE_LIMIT_OAUTH_AUTHORIZE_PER_MINUTE?: string;
  RATE_LIMIT_OAUTH_OTHER_PER_MINUTE?: string;
  RATE_LIMIT_CLIENT_REGISTRATION_PER_MINUTE?: string;
  RATE_LIMIT_API_USERS_PER_MINUTE?: string;
  RATE_LIMIT_API_APPS_PER_MINUTE?: string;
  RATE_LIMIT_API_GROUPS_PER_MINUTE?: string;
  RATE_LIMIT_API_OTHER_PER_MINUTE?: string;
  PBKDF2_THROTTLE_ACCOUNT?: RateLimit;
  /** The System Log queue (wrangler.toml); without it, events are not recorded (the bench's "logging off"). */
  LOG_QUEUE?: Queue<WireMessage>;
  LOG_RETENTION_DAYS?: string;
  /** Service bindings hooks may name as `service://BINDING/path` (README "Hooks through a Service Binding"). */
  [binding: `HOOK_${string}`]: Fetcher | undefined;
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const perMinute = seconds;
const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));

const ConfigSchema = z.object({
  ADMIN_TOKEN: z.string().min(16).optional(),
  KEY_ENCRYPTION_SECRET: z.string().min(32, "KEY_ENCRYPTION_SECRET must be at least 32 characters"),
  KEY_ENCRYPTION_SECRET_PREVIOUS: z.string().min(32, "KEY_ENCRYPTION_SECRET_PREVIOUS must be at least 32 characters").optional(),
  ORG_URL: url.optional(),
  CUSTOM_DOMAIN_URL: url.optional(),
  // Okta: keys rotate about four times a year.
  KEY_ROTATION_PERIOD_SECONDS: seconds(90 * 24 * 3600),
  // Longer than the longest token lifetime (Okta: access tokens up to 1 day) plus cache staleness.
  KEY_OVERLAP_SECONDS: seconds(2 * 24 * 3600),
  CACHE_STALENESS_SECONDS: seconds(30),
  // Okta's per-minute limits for a small org ("One App" column; src/rate-limits.ts, README Security).
  RATE_LIMIT_OAUTH_TOKEN_PER_MINUTE: perMinute(1200),
  RATE_LIMIT_OAUTH_AUTHORIZE_PER_MINUTE: perMinute(1200),
  RATE_LIMIT_OAUTH_OTHER_PER_MINUTE: perMinute(1200),
  RATE_LIMIT_CLIENT_REGISTRATION_PER_MINUTE: perMinute(100),
  RATE_LIMIT_API_USERS_PER_MINUTE: perMinute(600),
  RATE_LIMIT_API_APPS_PER_MINUTE: perMinute(100),
  RATE_LIMIT_API_GROUPS_PER_MINUTE: perMinute(600),
  RATE_LIMIT_API_OTHER_PER_MINUTE: perMinute(600),
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
    /** Who called the admin API (set by requireAdmin): an SSWS API token, or an org access token's scopes. */
    adminCaller?: AdminCaller;
    /** Who is calling the admin API (set by requireAdmin): the System Log's actor. */
    actor?: Actor;
    /** The System Log targets of an admin write, when its route knows them better than the path (admin/audit.ts). */
    auditTargets?: Target[];
  };
}

/** The admin API's caller: an API token acts as a super admin; a service or a person's token by its scopes. */
export interface AdminCaller {
  kind: "apiToken" | "service" | "person";
  scopes: readonly string[];
}

/** The secrets sealed values are opened with: the current one first, then the previous one while it is set. */
export function openingSecrets(cfg: Config): string[] {
  return cfg.KEY_ENCRYPTION_SECRET_PREVIOUS ? [cfg.KEY_ENCRYPTION_SECRET, cfg.KEY_ENCRYPTION_SECRET_PREVIOUS] : [cfg.KEY_ENCRYPTION_SECRET];
}
