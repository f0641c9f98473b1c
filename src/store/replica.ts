/**
 * D1 read replication through the Sessions API (issue 17): reads that any replica may serve, so that a person's
 * row comes from a copy near them instead of the primary. A replica can lag the primary by a moment, so it serves
 * only a read that a write on the primary then re-checks in full: the sign-in's row by login, whose hash, status
 * and counter the attempt's batch checks again (store/lockout.ts). Not /authorize's reads: a replica behind an
 * unassignment would issue a code that the change's revocation fan-out never saw. Where replication is off, the
 * session reads the primary and nothing changes.
 */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;

/** Cloudflare: "first-unconstrained" lets the first query go to any replica. */
export const nearestReads = (db: D1Database): D1Reader => db.withSession("first-unconstrained");
