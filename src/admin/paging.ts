import type { Context } from "hono";
import { z } from "zod";
import { ApiError } from "../errors";
import { issuesToCauses } from "./body";
import { setPaginationLinks } from "./links";

/** Okta's cursor paging parameters; a bad limit or after is 400 E0000029 "Invalid paging request." */
export function readPaging(c: Context, defaultLimit: number, maxLimit = 200): { limit: number; after?: number } {
  const schema = z.object({
    limit: z.coerce.number().int().min(1).default(defaultLimit).transform((n) => Math.min(n, maxLimit)),
    after: z.string().regex(/^\d{1,15}$/, "must be a cursor from a Link header").transform(Number).optional(),
  });
  const result = schema.safeParse({ limit: c.req.query("limit"), after: c.req.query("after") });
  if (!result.success) throw new ApiError("E0000029", undefined, issuesToCauses(result.error));
  return result.data;
}

/** Sets Link rel="self" (this page, as asked) and rel="next" (when more remain) for a seq-ordered page. */
export function linkPage(
  c: Context,
  base: string,
  query: Record<string, string | undefined>,
  paging: { limit: number; after?: number },
  page: { items: Array<{ seq: number }>; more: boolean },
): void {
  const last = page.items.at(-1);
  setPaginationLinks(
    c,
    base,
    { ...query, limit: String(paging.limit), after: paging.after === undefined ? undefined : String(paging.after) },
    page.more && last ? String(last.seq) : undefined,
  );
}
