/**
 * Okta EL Group functions (Okta developer docs, "Expression Language Overview" > Group Functions) and the
 * `user.getInternalProperty` method. All of them need a user; for a token without one (client_credentials)
 * the expression is abandoned and the claim left out (see context.ts).
 *
 * Group names are compared case-insensitively, as Okta compares them in the STARTS_WITH / EQUALS / CONTAINS
 * group filters of a GROUPS claim (Okta documents the Groups.* functions as the expression form of that
 * filter); isMemberOfGroupNameRegex is case-sensitive, like the REGEX filter.
 */
import type { EvalContext } from "./context";
import { noUser } from "./context";
import {
  boundedArray,
  groupLimit,
  list,
  literalLimit,
  optString,
  type CallEnv,
  type FunctionSpec,
  type FunctionTable,
} from "./function-spec";
import { safeRegex } from "./regex";
import { fail, isArray, type Value } from "./values";

type Group = { id: string; name: string };

function groupsOf(ctx: EvalContext): Group[] {
  return (ctx.user ?? noUser()).groups;
}

function lower(s: string): string {
  return s.toLowerCase();
}

function requiredString(value: Value | undefined, what: string): string {
  return optString(value, what) ?? fail(`${what} must not be null`);
}

function memberWhere(test: (group: Group, arg: string) => boolean, what: string): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    returns: "boolean",
    call: ([arg], env) => {
      const groups = groupsOf(env.ctx);
      const needle = requiredString(arg, what);
      env.spend(Math.ceil(groups.length / 8));
      return groups.some((group) => test(group, needle));
    },
  };
}

/**
 * `Groups.startsWith(app, pattern, limit)`: names of the user's groups that match. `app` is an application
 * type or app instance id; "OKTA" selects Okta-mastered groups, which are the only groups Mintgate has, so
 * any other source yields no groups. The limit "must evaluate to a value between 1 and 100" (Okta docs;
 * above 100 Okta fails the token with "The 'groups' user claim could not be evaluated").
 */
function groupsMatching(test: (name: string, pattern: string) => boolean): FunctionSpec {
  return {
    minArgs: 3,
    maxArgs: 3,
    returns: "array",
    checkLiterals: literalLimit(2),
    call: ([appArg, patternArg, limitArg], env) => {
      const groups = groupsOf(env.ctx);
      const app = requiredString(appArg, "app");
      const pattern = lower(requiredString(patternArg, "pattern"));
      const limit = groupLimit(limitArg);
      if (app.toUpperCase() !== "OKTA") return [];
      env.spend(Math.ceil(groups.length / 8));
      const names = groups.filter((group) => test(lower(group.name), pattern)).map((group) => group.name);
      return boundedArray(names.slice(0, limit), env);
    },
  };
}

function regexMember(): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    returns: "boolean",
    checkLiterals: ([pattern], limits) => {
      if (pattern?.kind !== "literal" || typeof pattern.value !== "string") return null;
      const compiled = safeRegex(pattern.value, { mode: "full", limits });
      return compiled.ok ? null : { message: `invalid pattern: ${compiled.error}`, pos: pattern.pos + 1 + compiled.position };
    },
    call: ([patternArg], env: CallEnv) => {
      const groups = groupsOf(env.ctx);
      const compiled = safeRegex(requiredString(patternArg, "pattern"), { mode: "full", limits: env.limits });
      if (!compiled.ok) return fail(`invalid pattern: ${compiled.error}`);
      for (const group of groups) {
        env.spend(1 + Math.ceil(Math.min(compiled.regex.work(group.name.length), env.limits.maxRegexWork) / 1000));
        const matched = compiled.regex.test(group.name);
        if (!matched.ok) return fail(matched.error);
        if (matched.value) return true;
      }
      return false;
    },
  };
}

export const GROUP_FUNCTIONS: FunctionTable = {
  isMemberOfGroupName: memberWhere((group, name) => lower(group.name) === lower(name), "group name"),
  isMemberOfGroup: memberWhere((group, id) => group.id === id, "group id"),
  isMemberOfGroupNameStartsWith: memberWhere((group, prefix) => lower(group.name).startsWith(lower(prefix)), "prefix"),
  isMemberOfGroupNameContains: memberWhere((group, part) => lower(group.name).includes(lower(part)), "substring"),
  isMemberOfGroupNameRegex: regexMember(),
  /** `isMemberOfAnyGroup("groupId1", "groupId2", ...)`; arrays of ids are accepted too. */
  isMemberOfAnyGroup: {
    minArgs: 1,
    maxArgs: Infinity,
    returns: "boolean",
    call: (args, env) => {
      const ids = new Set(groupsOf(env.ctx).map((group) => group.id));
      const wanted = args.flatMap((arg) => (isArray(arg) ? list(arg, "group ids") : [arg]));
      env.spend(Math.ceil(wanted.length / 8));
      return wanted.some((id) => typeof id === "string" && ids.has(id));
    },
  },
  "Groups.contains": groupsMatching((name, pattern) => name.includes(pattern)),
  "Groups.startsWith": groupsMatching((name, pattern) => name.startsWith(pattern)),
  "Groups.endsWith": groupsMatching((name, pattern) => name.endsWith(pattern)),
  /**
   * `getFilteredGroups({"00gml2xHE3RYRx7cM0g3"}, "group.name", 40)`: the user's groups whose id is on the
   * allowlist, in allowlist order, each as the named group attribute ("group.name" or "group.id").
   */
  getFilteredGroups: {
    minArgs: 3,
    maxArgs: 3,
    returns: "array",
    checkLiterals: literalLimit(2),
    call: ([allowlist, attributeArg, limitArg], env) => {
      const byId = new Map(groupsOf(env.ctx).map((group) => [group.id, group]));
      const attribute = requiredString(attributeArg, "group attribute");
      if (attribute !== "group.name" && attribute !== "group.id") {
        return fail(`unsupported group attribute '${attribute}' (use "group.name" or "group.id")`);
      }
      const limit = groupLimit(limitArg);
      const out: Value[] = [];
      for (const id of list(allowlist, "allowlist")) {
        const group = typeof id === "string" ? byId.get(id) : undefined;
        if (group !== undefined && out.length < limit) out.push(attribute === "group.name" ? group.name : group.id);
      }
      return boundedArray(out, env);
    },
  },
  /** Okta: "You can also access the user ID for each user with user.getInternalProperty("id")". */
  "user.getInternalProperty": {
    minArgs: 1,
    maxArgs: 1,
    returns: "any",
    call: ([name], env) => {
      const user = env.ctx.user ?? noUser();
      return requiredString(name, "property") === "id" ? user.id : null;
    },
  },
};
