/**
 * Applying a token inline hook's commands (Okta: TokenHookResponse): com.okta.access.patch and
 * com.okta.identity.patch, each a list of JSON-Patch-like operations on /claims/<name>[/<member or index>] and
 * /token/lifetime/expiration. Pure. Okta's restrictions: system claims (iss, ver, jti, ...) can never change; aud and
 * sub can change in access tokens only; a lifetime is 300 to 86400 seconds; `remove` and `replace` need an existing
 * claim; a patch for a token not being minted is invalid. One invalid operation invalidates the whole response:
 * the hook is skipped and the tokens are issued unmodified (Okta).
 */

export type Claims = Record<string, unknown>;

export interface HookedToken {
  claims: Claims;
  lifetimeSeconds: number;
}

export interface PatchTargets {
  access?: HookedToken;
  identity?: HookedToken;
}

export type PatchResult =
  | { kind: "patched"; access?: HookedToken; identity?: HookedToken }
  | { kind: "error"; summary: string | null }
  | { kind: "invalid"; reason: string };

const SYSTEM = ["iss", "ver", "jti", "iat", "exp", "nbf", "cid", "uid", "scp", "auth_time", "token_type", "cnf", "amr", "idp", "nonce", "at_hash", "c_hash", "acr", "azp"];
/** Okta: aud and sub may be modified in access tokens, not in ID tokens. */
const FIXED = { access: new Set(SYSTEM), identity: new Set([...SYSTEM, "aud", "sub"]) };
const LIFETIME = { min: 300, max: 86400 };
const COMMANDS = { "com.okta.access.patch": "access", "com.okta.identity.patch": "identity" } as const;

class Invalid extends Error {}

const unescape = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function applyOp(token: HookedToken, kind: "access" | "identity", op: unknown): void {
  if (!isObject(op) || typeof op.path !== "string" || !["add", "replace", "remove"].includes(op.op as string)) throw new Invalid("an operation needs op add, replace or remove and a path");
  const { path } = op;
  if (path === "/token/lifetime/expiration") {
    const v = op.value;
    if (op.op !== "replace" || typeof v !== "number" || !Number.isInteger(v) || v < LIFETIME.min || v > LIFETIME.max) {
      throw new Invalid(`the lifetime is replaced with whole seconds from ${LIFETIME.min} to ${LIFETIME.max}`);
    }
    token.lifetimeSeconds = v;
    return;
  }
  const m = /^\/claims\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) throw new Invalid(`unsupported path ${path}`);
  const name = unescape(m[1]!);
  const member = m[2] === undefined ? undefined : unescape(m[2]);
  if (FIXED[kind].has(name)) throw new Invalid(`the claim ${name} cannot be changed`);
  if (op.op === "remove" && op.value !== undefined && op.value !== null) throw new Invalid("remove takes no value");
  const claims = token.claims;
  if (member === undefined) {
    if (op.op !== "add" && !(name in claims)) throw new Invalid(`the claim ${name} does not exist`);
    if (op.op === "remove") delete claims[name];
    else claims[name] = op.value;
    return;
  }
  const parent = claims[name];
  if (Array.isArray(parent)) {
    const last = parent.length;
    const index = member === "-" ? last : /^(0|[1-9]\d*)$/.test(member) ? Number(member) : NaN;
    if (Number.isNaN(index) || index > last || (op.op !== "add" && index >= last)) throw new Invalid(`bad array index ${member} of ${name}`);
    if (op.op === "add") parent.splice(index, 0, op.value);
    else if (op.op === "replace") parent[index] = op.value;
    else parent.splice(index, 1);
    return;
  }
  if (!isObject(parent)) throw new Invalid(`the claim ${name} has no members`);
  if (op.op !== "add" && !(member in parent)) throw new Invalid(`the member ${member} of ${name} does not exist`);
  if (op.op === "remove") delete parent[member];
  else parent[member] = op.value;
}

/** What a hook's 200 response does to the tokens being minted. The inputs are not modified. */
export function applyTokenHookResponse(body: unknown, targets: PatchTargets): PatchResult {
  if (!isObject(body)) return { kind: "invalid", reason: "the response is not a JSON object" };
  // Okta: an error object fails the whole flow; no token is issued.
  if (body.error !== undefined && body.error !== null) {
    const summary = isObject(body.error) && typeof body.error.errorSummary === "string" ? body.error.errorSummary : null;
    return { kind: "error", summary };
  }
  const copy = (t?: HookedToken) => (t ? { claims: structuredClone(t.claims), lifetimeSeconds: t.lifetimeSeconds } : undefined);
  const out = { access: copy(targets.access), identity: copy(targets.identity) };
  try {
    const commands = body.commands ?? [];
    if (!Array.isArray(commands)) throw new Invalid("commands is not an array");
    for (const command of commands) {
      if (!isObject(command) || !(typeof command.type === "string" && command.type in COMMANDS)) throw new Invalid("unknown command type");
      const kind = COMMANDS[command.type as keyof typeof COMMANDS];
      const token = out[kind];
      if (!token) throw new Invalid(`${command.type} for a token that is not being minted`);
      if (!Array.isArray(command.value)) throw new Invalid("a command's value is a list of operations");
      for (const op of command.value) applyOp(token, kind, op);
    }
  } catch (err) {
    if (err instanceof Invalid) return { kind: "invalid", reason: err.message };
    throw err;
  }
  return { kind: "patched", ...out };
}
