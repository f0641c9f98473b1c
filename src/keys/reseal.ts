import { seal, unseal } from "../seal";

/**
 * After KEY_ENCRYPTION_SECRET is rotated: the sealed values the current secret cannot open but the previous one
 * can, sealed again under the current one. Values the current secret opens are left alone; a value neither opens
 * throws (that is corruption or a lost secret, not a rotation).
 */
export async function resealUnderCurrent(
  current: string,
  previous: string,
  purpose: string,
  items: ReadonlyArray<{ aad: string; sealed: string }>,
): Promise<Array<{ aad: string; sealed: string }>> {
  const changed: Array<{ aad: string; sealed: string }> = [];
  for (const item of items) {
    try {
      await unseal(current, purpose, item.aad, item.sealed);
      continue;
    } catch (err) {
      if (!(err instanceof DOMException)) throw err;
    }
    const text = await unseal(previous, purpose, item.aad, item.sealed);
    changed.push({ aad: item.aad, sealed: await seal(current, purpose, item.aad, text) });
  }
  return changed;
}
