import { Hono, type Context } from "hono";
import { api, read, type OktaError } from "./api";
import type { ConsoleEnv } from "./env";
import { ActionButton, FormError, Notice } from "./form";
import { done, enc, notice, render } from "./render";
import { ServerHeader } from "./server-tabs";

async function keysPage(c: Context<ConsoleEnv>, error?: OktaError) {
  const id = c.req.param("id")!;
  const [s, keys] = await Promise.all([read(c, `/authorizationServers/${enc(id)}`), read<any[]>(c, `/authorizationServers/${enc(id)}/credentials/keys`)]);
  return render(
    c,
    `${s.name} · Keys`,
    "servers",
    <>
      <ServerHeader server={s} tab="keys" />
      <Notice text={notice(c)} />
      <FormError error={error} fields={[]} />
      <div class="card">
        <p>
          Rotation: <strong>{s.credentials.signing.rotationMode}</strong>. Last rotated {s.credentials.signing.lastRotated}
          {s.credentials.signing.nextRotation ? `; next rotation ${s.credentials.signing.nextRotation}` : ""}.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Key id (kid)</th>
              <th scope="col">Algorithm</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <td class={`status-${k.status}`}>{k.status}</td>
                <td>
                  <code>{k.kid}</code>
                </td>
                <td>{k.alg}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ActionButton action={`/admin/authorization-servers/${enc(id)}/keys/rotate`} csrf={c.get("session").csrf} label="Rotate signing keys" />
        <p class="hint">The NEXT key becomes ACTIVE and a new NEXT key is made; the old key stays published until its tokens have expired.</p>
      </div>
    </>,
    error ? 400 : 200,
  );
}

export const keyPages = new Hono<ConsoleEnv>()
  .get("/:id/keys", (c) => keysPage(c))
  .post("/:id/keys/rotate", async (c) => {
    const id = c.req.param("id");
    const r = await api(c, "POST", `/authorizationServers/${enc(id)}/credentials/lifecycle/keyRotate`, { use: "sig" });
    if (!r.ok) return keysPage(c, r.error);
    return done(c, `/admin/authorization-servers/${enc(id)}/keys`, "rotated");
  });
