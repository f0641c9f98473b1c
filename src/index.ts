import { app } from "./app";
import type { Env } from "./env";

export { KeyStore } from "./keys/key-store";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
