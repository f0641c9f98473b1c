import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { KeyStore } from "../../../src/keys/key-store";
import { keyStoreOf } from "../../support/fixtures";

/**
 * Makes the server's AUTO rotation due now and runs its alarm, as the alarm would run when the time comes: the
 * stored schedule is moved, the instance reloads what is stored (as it does when workerd starts it), and workerd's
 * alarm fires.
 */
export async function alarmRotation(serverId: string, at = Date.now() - 1000): Promise<void> {
  const stub = keyStoreOf(serverId);
  await runInDurableObject(stub, (instance: KeyStore, state) => {
    state.storage.sql.exec("UPDATE meta SET v = ? WHERE k = 'next_rotation'", String(at));
    (instance as unknown as { load(): void }).load();
  });
  if (!(await runDurableObjectAlarm(stub))) throw new Error("no alarm was armed");
}

/**
 * The alarm's first half of an AUTO rotation: the rotation made due within the lead time (half the period), so the
 * alarm publishes the NEXT key without promoting it, as it does halfway through every real period.
 */
export const alarmPublishNext = (serverId: string) => alarmRotation(serverId, Date.now() + 60 * 60 * 1000);

export type KeyRow = { kid: string; status: string; retire_at: number | null };

/** The keys the Durable Object has stored (what must survive it). */
export function storedKeys(serverId: string): Promise<KeyRow[]> {
  return runInDurableObject(keyStoreOf(serverId), (_: KeyStore, state) =>
    state.storage.sql.exec<KeyRow>("SELECT kid, status, retire_at FROM keys ORDER BY created").toArray(),
  );
}
