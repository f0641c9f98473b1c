/**
 * Calling a token inline hook (Okta: com.okta.oauth2.tokens.transform) while tokens are minted. Okta's behaviour:
 * 3-second timeout and no retry; a timeout, a network failure, a status other than 200 or a body that is not a valid
 * response skips the hook and the tokens are issued unmodified; an `error` object in the response fails the token
 * request (oauth/ turns that into server_error, 400). Every call is logged as inline_hook.executed.
 */
import type { Env } from "../env";
import type { EventInput } from "../log/event";
import type { InlineHookRecord } from "../store/hooks";
import { sendToHook } from "./channel";
import { applyTokenHookResponse, type PatchResult, type PatchTargets } from "./token-patch";

/** Okta: a hook response is at most 256 KB. */
const MAX_RESPONSE_BYTES = 256 * 1024;

export type HookOutcome = PatchResult | { kind: "failed"; reason: string };

/** Okta's request to the hook: InlineHookBasePayload with the token payload as data. */
export function tokenHookRequest(source: string, now: number, data: Record<string, unknown>) {
  return {
    source,
    eventId: crypto.randomUUID(),
    eventTime: new Date(now).toISOString(),
    eventTypeVersion: "1.0",
    // Okta spells it cloudEventVersion for inline hooks (event hooks: cloudEventsVersion).
    cloudEventVersion: "0.1",
    contentType: "application/json",
    eventType: "com.okta.oauth2.tokens.transform",
    data,
  };
}

/** POSTs a body to the hook once and returns its JSON, or why there is none. */
export async function postToHook(env: Env, hook: InlineHookRecord, body: unknown): Promise<{ ok: true; json: unknown } | { ok: false; reason: string }> {
  let res: Response;
  try {
    res = await sendToHook(env, { channel: hook.channel, sealedAuth: hook.sealedAuth, hookId: hook.id }, { method: "POST", body });
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { ok: false, reason: err.name === "TimeoutError" ? "The hook did not answer within 3 seconds." : `The hook could not be reached: ${err.message}` };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return { ok: false, reason: `The hook answered HTTP ${res.status}.` };
  }
  const text = await res.text();
  if (text.length > MAX_RESPONSE_BYTES) return { ok: false, reason: "The hook's response is larger than 256 KB." };
  try {
    return { ok: true, json: text === "" ? {} : JSON.parse(text) };
  } catch {
    return { ok: false, reason: "The hook's response is not JSON." };
  }
}

/** Runs the hook over the tokens being minted. */
export async function runTokenHook(env: Env, hook: InlineHookRecord, body: unknown, targets: PatchTargets): Promise<HookOutcome> {
  // Okta: an INACTIVE hook is not called; the token is issued as if the rule had none.
  if (hook.status !== "ACTIVE") return { kind: "failed", reason: "The inline hook is INACTIVE." };
  const answer = await postToHook(env, hook, body);
  if (!answer.ok) return { kind: "failed", reason: answer.reason };
  return applyTokenHookResponse(answer.json, targets);
}

/** The System Log events of one hook call (Okta: inline_hook.executed, and inline_hook.response.processed). */
export function hookEvents(hook: InlineHookRecord, outcome: HookOutcome): EventInput[] {
  const target = [{ id: hook.id, type: "InlineHook", alternateId: hook.name, displayName: hook.name, detailEntry: null }];
  const failed = outcome.kind === "failed" || outcome.kind === "invalid";
  const reason = outcome.kind === "failed" || outcome.kind === "invalid" ? outcome.reason : outcome.kind === "error" ? (outcome.summary ?? "The callback service returned an error.") : null;
  return [
    {
      eventType: "inline_hook.executed",
      displayMessage: "Inline hook executed",
      outcome: { result: outcome.kind === "failed" ? "FAILURE" : "SUCCESS", reason: outcome.kind === "failed" ? reason : null },
      target,
    },
    ...(outcome.kind === "failed"
      ? []
      : [{
          eventType: "inline_hook.response.processed",
          displayMessage: "Inline hook response processed",
          outcome: { result: failed || outcome.kind === "error" ? ("FAILURE" as const) : ("SUCCESS" as const), reason },
          target,
        }]),
  ];
}
