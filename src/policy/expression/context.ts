/**
 * What an expression can see: the bindings Okta offers custom claims, built from the token request.
 *
 * Okta EL, "Referencing User Attributes": `user.$attribute` reads the Okta user profile; `appuser.$attribute`
 * the in-context app user; `app.$attribute` the in-context app; `org.$attribute` the org (org.name,
 * org.subdomain). Explicit references to other apps (`zendesk.firstName`, `office365_app.domain`) "aren't
 * supported for custom OAuth/OIDC claims", so they are unknown identifiers here.
 */
import type { RootName } from "./ast";
import { EvalFailure, fail, fromUnknown, isRecord, ownProperty, typeName, type Value } from "./values";

export interface EvalContext {
  /** The resource owner; null for client_credentials, where Okta has no user (and `appuser` is null). */
  user: { id: string; profile: Record<string, unknown>; groups: Array<{ id: string; name: string }> } | null;
  app: { id: string; clientId: string; label: string; profile?: Record<string, unknown> };
  org: { name: string; subdomain: string };
  /** The scopes granted to this token. */
  access: { scope: string[] };
  /** Epoch milliseconds; the only clock the language sees (Time.now). */
  now: number;
  /** An event hook filter's `event`: the System Log event being delivered (absent for claims). */
  event?: Record<string, unknown>;
}

/**
 * A user-bound value when the token has no user. Okta's own default `sub` claim is
 * `(appuser != null) ? appuser.userName : app.clientId`, so a bare `user`/`appuser` must be null and
 * comparable; dereferencing it (or asking about group membership) abandons the whole expression, whose
 * value becomes null, and a claim whose expression is null is left out of the token.
 */
export function noUser(): never {
  throw new EvalFailure("the token has no user", undefined, "no_user");
}

/** A binding as a value (`user`, `app`, ...); `user.x` does not go through here but through readRootMember. */
export function resolveRoot(name: RootName, ctx: EvalContext): Value {
  switch (name) {
    case "user":
      return ctx.user === null ? null : { ...ctx.user.profile };
    case "appuser":
      return ctx.user === null ? null : { ...ctx.user.profile, userName: appUserName(ctx.user) };
    case "app":
      return {
        id: ctx.app.id,
        clientId: ctx.app.clientId,
        label: ctx.app.label,
        profile: isRecord(ctx.app.profile) ? ctx.app.profile : {},
      };
    case "org":
      return { name: ctx.org.name, subdomain: ctx.org.subdomain };
    case "access":
      return { scope: [...ctx.access.scope] };
    case "event":
      return ctx.event ?? null;
  }
}

/**
 * The in-context app user. Mintgate keeps no per-app user profile, so the app user is the Okta profile plus
 * `userName`, which for OIDC apps defaults to the Okta username (`login`); Okta's docs spell it both
 * `appuser.userName` (default sub claim) and `appuser.username` (Admin Console help).
 */
function appUserName(user: NonNullable<EvalContext["user"]>): string {
  const login = user.profile["login"];
  return typeof login === "string" ? login : user.id;
}

/** `root.name`, read straight from the context. */
export function readRootMember(root: RootName, name: string, ctx: EvalContext): Value {
  if (root !== "user" && root !== "appuser") return readMember(resolveRoot(root, ctx), name);
  const user = ctx.user ?? noUser();
  if (root === "appuser" && (name === "userName" || name === "username")) return appUserName(user);
  if (Object.prototype.hasOwnProperty.call(user.profile, name)) return fromUnknown(user.profile[name]);
  // Identity Engine EL spells profile attributes `user.profile.$attribute` and the id `user.id`; accept both
  // spellings unless the profile itself defines an attribute of that name.
  if (root === "user" && name === "profile") return user.profile;
  if (root === "user" && name === "id") return user.id;
  return null;
}

/**
 * `object.name`. Navigation is null-safe (a missing attribute or a null object gives null) because
 * profiles are sparse and Okta evaluates an unset attribute to null rather than failing the expression.
 * Only own properties are read, so no prototype (`constructor`, `__proto__`) is reachable.
 */
export function readMember(object: Value, name: string): Value {
  if (object === null) return null;
  if (isRecord(object)) return ownProperty(object, name);
  return fail(`cannot read property '${name}' of ${typeName(object)}`);
}

/** `object[index]`: list and string positions, record keys (SpEL indexer). */
export function readIndex(object: Value, index: Value): Value {
  if (object === null) return null;
  if (Array.isArray(object) || typeof object === "string") {
    if (typeof index !== "number" || !Number.isInteger(index)) return fail("an index must be an integer");
    if (index < 0 || index >= object.length) return fail(`index ${index} out of bounds for length ${object.length}`);
    return (Array.isArray(object) ? object[index] : object.charAt(index)) ?? null;
  }
  if (isRecord(object) && typeof index === "string") return readMember(object, index);
  return fail(`cannot index ${typeName(object)} with ${typeName(index)}`);
}
