/**
 * The retention job, run by the Cron Trigger in wrangler.toml: purges what is dead at the scheduled time and
 * logs one line of counts. The rules are in store/retention.ts; the README's Retention section says what is kept.
 */
import { epochSeconds, isoTime } from "../clock";
import { config, type Env } from "../env";
import { purgeLogEvents } from "../store/log-events";
import { BATCH, MAX_BATCHES, purgeExpired } from "../store/retention";

/** Okta: System Log events are kept LOG_RETENTION_DAYS (Okta's own: 90); older ones go in bounded batches. */
async function purgeLog(env: Env, scheduledTime: number): Promise<number> {
  const before = scheduledTime - config(env).LOG_RETENTION_DAYS * 24 * 3600 * 1000;
  let deleted = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await purgeLogEvents(env.DB, before, BATCH);
    deleted += n;
    if (n < BATCH) break;
  }
  return deleted;
}

export async function runRetention(env: Env, scheduledTime: number): Promise<void> {
  const deleted = await purgeExpired(env.DB, epochSeconds(scheduledTime));
  deleted.log_events = await purgeLog(env, scheduledTime);
  console.log(JSON.stringify({ event: "retention", scheduledTime: isoTime(scheduledTime), deleted }));
}
