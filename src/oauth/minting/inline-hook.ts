/**
 * Where a token inline hook runs while minting (Okta: com.okta.oauth2.tokens.transform): only for a rule whose
 * actions.token.inlineHook names one, so the path of a rule without a hook is unchanged. The hook sees Okta's request
 * body (the request's context and the claims of the tokens being minted) and its commands are applied with Okta's
 * restrictions (hooks/token-patch.ts). A hook that fails or answers something invalid is skipped; an `error` object
 * fails the request with server_error, 400, as Okta answers.
 */
import type { ServerBundle } from "../../cache/server-bundle";
import type { Env } from "../../env";
import { OAuthError } from "../../errors";
import { hookEvents, runTokenHook, tokenHookRequest } from "../../hooks/token-hook";
import type { HookedToken, PatchTargets } from "../../hooks/token-patch";
import type { EventInput } from "../../log/event";
import type { AppRecord } from "../../store/apps";
import { getInlineHook } from "../../store/hooks";
import type { TokenUser } from "./user-tokens";

/** The token request, for the hook's data.context.request and protocol.request. */
export interface HookRequest {
  id: string;
  url: string;
  ipAddress: string | null;
  params: Map<string, string>;
  /** Where the tokens are minted: the token endpoint (POST), or /authorize for implicit and hybrid responses. */
  endpoint?: "token" | "authorize";
  method?: string;
}

export interface HookRun {
  env: Env;
  bundle: ServerBundle;
  client: AppRecord;
  issuer: string;
  now: number;
  grantType: string;
  scopes: string[];
  user: TokenUser | null;
  hook: { id: string; policyId: string; ruleId: string };
  request?: HookRequest;
  log?: (events: EventInput[]) => void;
}

// Okta leaves secrets out of the protocol request it shows the hook.
const SECRET_PARAMS = new Set(["client_secret", "client_assertion", "code", "code_verifier", "refresh_token", "password", "subject_token", "actor_token"]);

function context(r: HookRun) {
  const protocolRequest = Object.fromEntries([...(r.request?.params ?? new Map())].filter(([k]) => !SECRET_PARAMS.has(k)));
  // Okta's example of a hook called from /authorize has the response_type and no grant_type.
  const grantType = r.request?.endpoint === "authorize" ? {} : { grant_type: r.grantType };
  return {
    request: { id: r.request?.id ?? null, method: r.request?.method ?? "POST", url: { value: r.request?.url ?? endpointUrl(r) }, ipAddress: r.request?.ipAddress ?? null },
    protocol: {
      type: "OAUTH2.0",
      request: { ...protocolRequest, ...grantType, client_id: r.client.clientId, scope: r.scopes.join(" ") },
      issuer: { uri: r.issuer },
      client: { id: r.client.clientId, name: r.client.label, type: r.client.tokenEndpointAuthMethod === "none" ? "PUBLIC" : "CONFIDENTIAL" },
    },
    ...(r.user
      ? {
          user: {
            id: r.user.id,
            profile: {
              login: r.user.login,
              firstName: r.user.profile.firstName ?? null,
              lastName: r.user.profile.lastName ?? null,
              locale: r.user.profile.locale ?? null,
              timeZone: r.user.profile.timezone ?? null,
            },
          },
        }
      : {}),
    policy: { id: r.hook.policyId, rule: { id: r.hook.ruleId } },
  };
}

/** Okta's `source`: the endpoint minting the tokens. */
const endpointUrl = (r: HookRun) => `${r.issuer}/v1/${r.request?.endpoint ?? "token"}`;

const lifetime = (t: HookedToken) => ({ lifetime: { expiration: t.lifetimeSeconds } });

/** Calls the rule's hook over the tokens being minted; returns them patched, or as they were when the hook is skipped. */
export async function transformTokens(r: HookRun, targets: PatchTargets): Promise<PatchTargets> {
  const hook = await getInlineHook(r.env.DB, r.hook.id);
  // A rule naming a hook that was deleted: minted as if it had none (Okta refuses deleting a hook in use; Mintgate
  // does not track the reference, so it skips it here).
  if (!hook) return targets;
  const scopes = Object.fromEntries(r.scopes.map((name) => [name, { id: r.bundle.scopes.find((s) => s.name === name)?.id ?? null, action: "GRANT" }]));
  const data = {
    context: context(r),
    ...(targets.identity ? { identity: { claims: targets.identity.claims, token: lifetime(targets.identity) } } : {}),
    ...(targets.access ? { access: { claims: targets.access.claims, token: lifetime(targets.access), scopes } } : {}),
  };
  const outcome = await runTokenHook(r.env, hook, tokenHookRequest(endpointUrl(r), r.now, data), targets);
  r.log?.(hookEvents(hook, outcome));
  switch (outcome.kind) {
    case "patched":
      return { access: outcome.access, identity: outcome.identity };
    case "error":
      // Okta: "the entire token inline hook flow fails with no token generated": server_error, HTTP 400.
      throw new OAuthError("server_error", outcome.summary ?? "The callback service returned an error.", undefined, {}, 400);
    case "failed":
    case "invalid":
      return targets;
  }
}
