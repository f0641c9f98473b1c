import { env } from "cloudflare:workers";
import { beforeAll } from "vitest";
import { applySchema } from "./schema";

beforeAll(async () => {
  await applySchema(env.DB);
});
