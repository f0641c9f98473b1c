/**
 * D1 read replication through the Sessions API (issue 17): reads that any replica may serve, so that a person's
 * rows come from a copy near them instead of the primary. A replica can lag the primary by a moment, so callers
 * use it only where a write on the primary that follows re-checks what matters (the sign-in's attempt in
 * store/lockout.ts, the index row /authorize writes), and ask the primary when the replica has nothing yet (a row
 * written a moment ago). Where replication is off, the session reads the primary and nothing changes.
 */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;

/** Cloudflare: "first-unconstrained" lets the first query go to any replica. */
export const nearestReads = (db: D1Database): D1Reader => db.withSession("first-unconstrained");
