import { Hono } from "hono";
import { z } from "zod";
import { epochSeconds } from "../clock";
import type { AppEnv } from "../env";
import { deleteUserSessions } from "../store/sessions";
import { endPersonAccess } from "../sessions/fan-out";
import { readQuery } from "./body";
import type { Operation } from "./openapi";
import { requireUser } from "./require";

/**
 * DELETE /api/v1/users/{userId}/sessions (Okta): ends every SSO session of the person, so the next /authorize
 * signs them in again (prompt=none answers login_required). oauthTokens=true also revokes their refresh tokens
 * and the access tokens those issued. Okta has no API that lists a person's sessions, so neither does Mintgate.
 */
const SessionsQuery = z.object({
  oauthTokens: z.enum(["true", "false"]).default("false"),
  // Okta: clears remembered factors; Mintgate remembers none, so it is accepted and changes nothing.
  forgetDevices: z.enum(["true", "false"]).optional(),
});

export const userSessionOperations: Operation[] = [
  { method: "delete", path: "/:userId/sessions", operationId: "revokeUserSessions", summary: "End all of a user's sessions (and with oauthTokens=true their OAuth tokens)", query: SessionsQuery, status: 204 },
];

export const userSessions = new Hono<AppEnv>().delete("/:userId/sessions", async (c) => {
  const { oauthTokens } = readQuery(c, SessionsQuery, "User");
  const user = await requireUser(c.env, c.req.param("userId"));
  if (oauthTokens === "true") await endPersonAccess(c.env, user.id, epochSeconds(c.get("now")));
  else await deleteUserSessions(c.env.DB, user.id);
  return c.body(null, 204);
});
