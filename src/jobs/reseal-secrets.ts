/**
 * After KEY_ENCRYPTION_SECRET is rotated (README, Security), the Cron Trigger re-seals the client secrets sealed
 * under KEY_ENCRYPTION_SECRET_PREVIOUS; each Durable Object re-seals its own private keys when it starts. Once a
 * run logs `resealed: 0` the previous secret can be deleted.
 */
import { config, type Env } from "../env";
import { resealUnderCurrent } from "../keys/reseal";
import { listSealedClientSecrets, replaceSealedClientSecret } from "../store/sealed-secrets";

export async function resealClientSecrets(env: Env): Promise<number> {
  const cfg = config(env);
  if (!cfg.KEY_ENCRYPTION_SECRET_PREVIOUS) return 0;
  const rows = await listSealedClientSecrets(env.DB);
  let resealed = 0;
  for (const row of rows) {
    const [changed] = await resealUnderCurrent(cfg.KEY_ENCRYPTION_SECRET, cfg.KEY_ENCRYPTION_SECRET_PREVIOUS, "client-secret", [{ aad: row.clientId, sealed: row.sealed }]);
    if (!changed) continue;
    await replaceSealedClientSecret(env.DB, row.clientId, row.sealed, changed.sealed);
    resealed++;
  }
  console.log(JSON.stringify({ event: "reseal", resealed }));
  return resealed;
}
