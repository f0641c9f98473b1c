/** SQL for dynamic client registration (RFC 7592 2.3): a client is deleted outright, whatever its status. */

/** Deletes the app of this client_id; its assignments and grants go with it (ON DELETE CASCADE). */
export async function deleteAppByClientId(db: D1Database, clientId: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM apps WHERE client_id = ?1`).bind(clientId).run();
  return res.meta.changes > 0;
}
