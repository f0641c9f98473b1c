import type { Context } from "hono";
import { z } from "zod";
import { ApiError, validationError } from "../errors";
import { checkJsonContentType } from "./media-types";

/** Largest admin request body accepted; Okta objects are a few KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Turns zod issues into Okta errorCauses, one per issue, each naming the field. */
export function issuesToCauses(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const field = i.path.length ? i.path.join(".") : "body";
    return `${field}: ${i.message}`;
  });
}

/**
 * Reads and validates a JSON request body, as Okta does: the Content-Type must be application/json (else Okta's
 * media-type errors, E0000018 or E0000021), the body at most MAX_BODY_BYTES and well-formed UTF-8 JSON (else
 * 400 E0000003 "The request body was not well-formed."), and valid against the schema (else 400 E0000001, one
 * errorCause per zod issue naming the field).
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S, what: string): Promise<z.infer<S>> {
  checkJsonContentType(c.req.header("Content-Type"));
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw validationError(what, [`body: larger than ${MAX_BODY_BYTES} bytes`]);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw validationError(what, [`body: larger than ${MAX_BODY_BYTES} bytes`]);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    // Only JSON.parse and the decoder throw here: both mean the bytes are not a JSON text.
    throw new ApiError("E0000003");
  }
  const result = schema.safeParse(json);
  if (!result.success) throw validationError(what, issuesToCauses(result.error));
  return result.data;
}

/** Validates query parameters the same way. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S, what: string): z.infer<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw new ApiError("E0000001", what, issuesToCauses(result.error));
  return result.data;
}
