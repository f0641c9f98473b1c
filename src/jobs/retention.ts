/**
 * The retention job, run by the Cron Trigger in wrangler.toml: purges what is dead at the scheduled time and
 * logs one line of counts. The rules are in store/retention.ts; the README's Retention section says what is kept.
 */
import { epochSeconds, isoTime } from "../clock";
import { config, type Env } from "../env";
import { purgeLogChunks } from "../store/log-chunks";
import { BATCH, MAX_BATCHES, purgeExpired } from "../store/retention";

/**
 * Okta: System Log events are kept LOG_RETENTION_DAYS (Okta's own: 90). The log is stored in chunks, which go
 * whole once their last event is older, in bounded batches; returns the events deleted.
 */
async function purgeLog(env: Env, scheduledTime: number): Promise<number> {
  const before = scheduledTime - config(env).LOG_RETENTION_DAYS * 24 * 3600 * 1000;
  let deleted = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const { chunks, events } = await purgeLogChunks(env.DB, before, BATCH);
    deleted += events;
    if (chunks < BATCH) break;
  }
  return deleted;
}

export async function runRetention(env: Env, scheduledTime: number): Promise<void> {
  const deleted = await purgeExpired(env.DB, epochSeconds(scheduledTime));
  // Events, not rows: the log line counts what was deleted as an operator thinks of it.
  deleted.log_events = await purgeLog(env, scheduledTime);
  console.log(JSON.stringify({ event: "retention", scheduledTime: isoTime(scheduledTime), deleted }));
}
