/**
 * The retention job, run by the Cron Trigger in wrangler.toml: purges what is dead at the scheduled time and
 * logs one line of counts. The rules are in store/retention.ts; the README's Retention section says what is kept.
 */
import { epochSeconds, isoTime } from "../clock";
import type { Env } from "../env";
import { purgeExpired } from "../store/retention";

export async function runRetention(env: Env, scheduledTime: number): Promise<void> {
  const deleted = await purgeExpired(env.DB, epochSeconds(scheduledTime));
  console.log(JSON.stringify({ event: "retention", scheduledTime: isoTime(scheduledTime), deleted }));
}
