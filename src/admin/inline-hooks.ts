import { Hono, type Context } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import { config, type AppEnv } from "../env";
import { ApiError, validationError } from "../errors";
import { HOOK_AUTH_PURPOSE, uriProblem } from "../hooks/channel";
import { postToHook } from "../hooks/token-hook";
import { applyTokenHookResponse } from "../hooks/token-patch";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { seal } from "../seal";
import {
  countInlineHooks,
  deleteInlineHook,
  getInlineHook,
  insertInlineHook,
  listInlineHooks,
  replaceInlineHook,
  setInlineHookStatus,
  type InlineHookRecord,
} from "../store/hooks";
import { readBody, readQuery } from "./body";
import { AnyObject, type Operation } from "./openapi";
import { ChannelInput, InlineHook, InlineHookInput, InlineHookReplaceInput, storedChannel, toInlineHookResponse } from "./hook-schema";

const WHAT = "InlineHook";
/** Okta: 50 inline hooks per org (the management API; its guide says 100: the stricter number is kept). */
export const MAX_INLINE_HOOKS = 50;
const LIFECYCLE = "/:id/lifecycle/:action{activate|deactivate}";
const ListQuery = z.object({ type: z.string().optional() });
const ExecuteBody = z.record(z.string(), z.unknown()).meta({ id: "InlineHookPayload" });

export const inlineHookOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listInlineHooks", summary: "List all inline hooks", query: ListQuery, status: 200, response: z.array(InlineHook) },
  { method: "post", path: "/", operationId: "createInlineHook", summary: "Create an inline hook", body: InlineHookInput, status: 200, response: InlineHook },
  { method: "get", path: "/:id", operationId: "getInlineHook", summary: "Retrieve an inline hook", status: 200, response: InlineHook },
  { method: "post", path: "/:id", operationId: "updateInlineHook", summary: "Update an inline hook", body: InlineHookReplaceInput, status: 200, response: InlineHook },
  { method: "put", path: "/:id", operationId: "replaceInlineHook", summary: "Replace an inline hook", body: InlineHookReplaceInput, status: 200, response: InlineHook },
  { method: "delete", path: "/:id", operationId: "deleteInlineHook", summary: "Delete an inline hook (INACTIVE only)", status: 204 },
  { method: "post", path: LIFECYCLE, operationId: "InlineHook", summary: "Activate or deactivate an inline hook", status: 200, response: InlineHook },
  { method: "post", path: "/:id/execute", operationId: "executeInlineHook", summary: "Execute an inline hook (preview)", body: ExecuteBody, status: 200, response: AnyObject },
];

async function requireInlineHook(c: Context<AppEnv>, id: string): Promise<InlineHookRecord> {
  const hook = await getInlineHook(c.env.DB, id);
  if (!hook) throw new ApiError("E0000007", `Resource not found: ${id} (InlineHook)`);
  return hook;
}

function checkUri(c: Context<AppEnv>, uri: string): void {
  const problem = uriProblem(uri, c.env);
  if (problem) throw validationError(WHAT, [`channel.config.uri: ${problem}`]);
}

async function sealedAuth(c: Context<AppEnv>, id: string, channel: z.infer<typeof ChannelInput>, existing: string | null): Promise<string | null> {
  const auth = channel.config.authScheme;
  if (!auth) return null;
  if (auth.value === undefined) return existing;
  return seal(config(c.env).KEY_ENCRYPTION_SECRET, HOOK_AUTH_PURPOSE, id, auth.value);
}

async function replace(c: Context<AppEnv>) {
  const existing = await requireInlineHook(c, c.req.param("id")!);
  const input = await readBody(c, InlineHookReplaceInput, WHAT);
  // Okta: the type of a hook cannot change.
  if (input.type !== undefined && input.type !== existing.type) throw validationError(WHAT, ["type: The type of an inline hook cannot be changed."]);
  checkUri(c, input.channel.config.uri);
  const replaced = await replaceInlineHook(c.env.DB, {
    id: existing.id,
    name: input.name,
    version: input.version,
    channel: storedChannel(input.channel),
    sealedAuth: await sealedAuth(c, existing.id, input.channel, existing.sealedAuth),
    lastUpdated: isoTime(c.get("now")),
  });
  if (!replaced) throw new ApiError("E0000007", `Resource not found: ${existing.id} (InlineHook)`);
  return c.json(toInlineHookResponse(replaced, orgBase(c.env, c.req.url)));
}

export const inlineHooks = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, ListQuery, WHAT);
    const base = orgBase(c.env, c.req.url);
    return c.json((await listInlineHooks(c.env.DB, q.type ?? null)).map((h) => toInlineHookResponse(h, base)));
  })
  .post("/", async (c) => {
    const input = await readBody(c, InlineHookInput, WHAT);
    checkUri(c, input.channel.config.uri);
    if ((await countInlineHooks(c.env.DB)) >= MAX_INLINE_HOOKS) throw validationError(WHAT, [`Your org has reached the limit of ${MAX_INLINE_HOOKS} inline hooks.`]);
    const id = newId("cal");
    const now = isoTime(c.get("now"));
    const hook: InlineHookRecord = {
      id,
      name: input.name,
      type: input.type,
      version: input.version,
      // Okta: a new inline hook is ACTIVE.
      status: "ACTIVE",
      channel: storedChannel(input.channel),
      sealedAuth: await sealedAuth(c, id, input.channel, null),
      created: now,
      lastUpdated: now,
    };
    await insertInlineHook(c.env.DB, hook);
    return c.json(toInlineHookResponse(hook, orgBase(c.env, c.req.url)));
  })
  .get("/:id", async (c) => c.json(toInlineHookResponse(await requireInlineHook(c, c.req.param("id")), orgBase(c.env, c.req.url))))
  .post("/:id", replace)
  .put("/:id", replace)
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    const result = await deleteInlineHook(c.env.DB, id);
    if (result === "missing") throw new ApiError("E0000007", `Resource not found: ${id} (InlineHook)`);
    // Okta: only an INACTIVE inline hook can be deleted.
    if (result === "active") throw validationError(WHAT, ["status: Only an INACTIVE inline hook can be deleted; deactivate it first."]);
    return c.body(null, 204);
  })
  .post(LIFECYCLE, async (c) => {
    const id = c.req.param("id");
    const hook = await setInlineHookStatus(c.env.DB, id, c.req.param("action") === "activate" ? "ACTIVE" : "INACTIVE", isoTime(c.get("now")));
    if (!hook) throw new ApiError("E0000007", `Resource not found: ${id} (InlineHook)`);
    return c.json(toInlineHookResponse(hook, orgBase(c.env, c.req.url)));
  })
  .post("/:id/execute", async (c) => {
    const hook = await requireInlineHook(c, c.req.param("id"));
    const body = await readBody(c, ExecuteBody, WHAT);
    // Okta: the body goes to the hook as it is; 3 seconds and one retry; the answer comes back if it keeps the
    // contract, else 400.
    let answer = await postToHook(c.env, hook, body);
    if (!answer.ok) answer = await postToHook(c.env, hook, body);
    if (!answer.ok) throw validationError(WHAT, [answer.reason]);
    const data = (body.data ?? {}) as { access?: { claims?: object }; identity?: { claims?: object } };
    const targets = {
      ...(data.access ? { access: { claims: { ...(data.access.claims ?? {}) }, lifetimeSeconds: 3600 } } : {}),
      ...(data.identity ? { identity: { claims: { ...(data.identity.claims ?? {}) }, lifetimeSeconds: 3600 } } : {}),
    };
    const checked = applyTokenHookResponse(answer.json, targets);
    if (checked.kind === "invalid") throw validationError(WHAT, [`The hook's response does not follow the token hook contract: ${checked.reason}`]);
    return c.json(answer.json as Record<string, unknown>);
  });
