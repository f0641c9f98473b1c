// The platform's price of one D1 read: each request looks one row up by primary key and answers it as JSON.
// Locally D1 is Miniflare's simulator in the same workerd, so this is what one query costs on the server core;
// compare it with Mintgate paths that read D1 on every request (introspection checks revocation there).

let ready;

function seed(db) {
  const rows = Array.from({ length: 64 }, (_, i) =>
    db.prepare("INSERT OR IGNORE INTO bench_rows (id, auth_server_id, payload) VALUES (?1, ?2, ?3)").bind(`row-${i}`, "ausbench0000000000", "x".repeat(200)),
  );
  return db.batch([db.prepare("CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, auth_server_id TEXT NOT NULL, payload TEXT NOT NULL)"), ...rows]);
}

let n = 0;
export default {
  async fetch(request, env) {
    await (ready ??= seed(env.DB));
    const row = await env.DB.prepare("SELECT id, payload FROM bench_rows WHERE id = ?1 AND auth_server_id = ?2")
      .bind(`row-${n++ % 64}`, "ausbench0000000000")
      .first();
    return Response.json({ active: row !== null, id: row?.id }, { headers: { "Cache-Control": "no-store" } });
  },
};
