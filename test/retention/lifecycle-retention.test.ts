import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/store/retention";

// Issue 12's tables under the retention job: a family's access-token record goes at the token's exp, a retired
// client_id at its `until`; rows that can still change an answer stay.
const T = 2_100_000_000;

describe("retention of the token-lifecycle tables", () => {
  it("deletes family access-token records past the token's exp and retired client_ids past their until, and keeps the rest", async () => {
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO family_access_tokens (jti, family_id, auth_server_id, expires_at) VALUES ('AT.lc-old', 'oarlc', 's', ?1)`).bind(T - 1),
      env.DB.prepare(`INSERT INTO family_access_tokens (jti, family_id, auth_server_id, expires_at) VALUES ('AT.lc-now', 'oarlc', 's', ?1)`).bind(T),
      env.DB.prepare(`INSERT INTO retired_client_ids (client_id, until) VALUES ('lc-old', ?1)`).bind(T - 1),
      env.DB.prepare(`INSERT INTO retired_client_ids (client_id, until) VALUES ('lc-now', ?1)`).bind(T),
    ]);
    const counts = await purgeExpired(env.DB, T);
    expect({ family_access_tokens: counts.family_access_tokens, retired_client_ids: counts.retired_client_ids }).toEqual({ family_access_tokens: 1, retired_client_ids: 1 });
    const left = await env.DB.prepare(
      `SELECT jti AS id FROM family_access_tokens WHERE family_id = 'oarlc' UNION ALL SELECT client_id FROM retired_client_ids WHERE client_id LIKE 'lc-%' ORDER BY id`,
    ).all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual(["AT.lc-now", "lc-now"]);
  });
});
