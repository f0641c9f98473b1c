import { Hono } from "hono";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { unlockUser } from "../store/lockout";
import { EmptyObject, type Operation } from "./openapi";
import { requireUser } from "./require";

const UNLOCK = "/:id/lifecycle/unlock";

export const userUnlockOperations: Operation[] = [
  { method: "post", path: UNLOCK, operationId: "unlockUser", summary: "Unlock a LOCKED_OUT user (ACTIVE again, failed sign-ins reset)", status: 200, response: EmptyObject },
];

/** POST /api/v1/users/{id}/lifecycle/unlock (Okta): LOCKED_OUT becomes ACTIVE; anyone else is 403 E0000032. */
export const userUnlock = new Hono<AppEnv>().post(UNLOCK, async (c) => {
  const user = await requireUser(c.env, c.req.param("id"));
  if (!(await unlockUser(c.env.DB, user.id, isoTime(c.get("now"))))) throw new ApiError("E0000032", undefined, ["The user is not locked out."]);
  return c.json({});
});
