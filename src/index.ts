import { app } from "./app";
import type { Env } from "./env";
import { runRetention } from "./jobs/retention";
import { resealClientSecrets } from "./jobs/reseal-secrets";
import { consumeLogBatch } from "./log/consumer";

export { KeyStore } from "./keys/key-store";
export { SessionStore } from "./sessions/session-store";

export default {
  fetch: app.fetch,
  // The Cron Trigger in wrangler.toml: purge expired codes, tokens, sessions and assertion ids.
  // And, after a KEY_ENCRYPTION_SECRET rotation, re-seal client secrets under the new secret.
  scheduled: async (controller, env) => {
    await runRetention(env, controller.scheduledTime);
    await resealClientSecrets(env);
  },
  // The System Log queue (wrangler.toml): events to D1, then to event hooks.
  queue: (batch, env) => consumeLogBatch(batch, env),
} satisfies ExportedHandler<Env>;
