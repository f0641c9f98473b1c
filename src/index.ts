import { app } from "./app";
import type { Env } from "./env";
import { runRetention } from "./jobs/retention";

export { KeyStore } from "./keys/key-store";

export default {
  fetch: app.fetch,
  // The Cron Trigger in wrangler.toml: purge expired codes, tokens, sessions and assertion ids.
  scheduled: (controller, env) => runRetention(env, controller.scheduledTime),
} satisfies ExportedHandler<Env>;
