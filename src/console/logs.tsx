import { Hono, type Context } from "hono";
import { api } from "./api";
import type { ConsoleEnv } from "./env";
import { FormError, Select, TextField } from "./form";
import { enc, render } from "./render";

const PAGE = 50;
const OUTCOMES = [
  { value: "", label: "Any" },
  { value: "SUCCESS", label: "SUCCESS" },
  { value: "FAILURE", label: "FAILURE" },
];

/** Okta's filter expression for the form: string literals in double quotes, a quote inside escaped. */
const literal = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function filterOf(eventType: string, outcome: string): string {
  const parts = [eventType ? `eventType eq ${literal(eventType)}` : "", outcome ? `outcome.result eq ${literal(outcome)}` : ""];
  return parts.filter(Boolean).join(" and ");
}

/** The `after` cursor of the API's rel="next" link, if there is one (Okta: follow the link, never build a cursor). */
function nextCursor(link: string | null): string | null {
  const m = /<([^>]+)>;\s*rel="next"/.exec(link ?? "");
  return m ? new URL(m[1]!).searchParams.get("after") : null;
}

/** An actor or target as a person reads it: its name, and its login or other alternate id when both are known. */
const who = (a: any): string =>
  !a ? "" : a.displayName && a.alternateId ? `${a.displayName} (${a.alternateId})` : a.displayName || a.alternateId || a.id;

async function logPage(c: Context<ConsoleEnv>) {
  const eventType = (c.req.query("eventType") ?? "").trim();
  const outcome = OUTCOMES.some((o) => o.value === c.req.query("outcome")) ? c.req.query("outcome")! : "";
  const after = c.req.query("after");
  const filter = filterOf(eventType, outcome);
  // Okta: sortOrder=DESCENDING lists the newest first (since defaults to 7 days ago).
  const query = `sortOrder=DESCENDING&limit=${PAGE}${filter ? `&filter=${enc(filter)}` : ""}${after ? `&after=${enc(after)}` : ""}`;
  const r = await api<any[]>(c, "GET", `/logs?${query}`);
  const events = r.ok ? r.body : [];
  const cursor = r.ok ? nextCursor(r.headers.get("Link")) : null;
  const own = new URLSearchParams({ ...(eventType ? { eventType } : {}), ...(outcome ? { outcome } : {}) });
  const first = `/admin/logs${own.size ? `?${own}` : ""}`;
  if (cursor) own.set("after", cursor);
  return render(
    c,
    "System Log",
    "logs",
    <>
      <h1>System Log</h1>
      <FormError error={r.ok ? undefined : r.error} fields={[]} />
      <div class="card">
        <form method="get" action="/admin/logs" role="search" aria-label="Filter the System Log">
          <TextField id="eventType" label="Event type" value={eventType} hint='For example user.session.start or app.oauth2.as.token.grant.access_token (exact match).' />
          <Select id="outcome" label="Outcome" value={outcome} options={OUTCOMES} />
          <button type="submit" class="secondary">
            Filter
          </button>
        </form>
        <p class="muted">Newest first, the last 7 days.{after && <> <a href={first}>Back to the newest</a></>}</p>
        {events.length === 0 ? (
          <p>No events.</p>
        ) : (
          <table>
            <caption class="muted">{`${events.length} event${events.length === 1 ? "" : "s"}`}</caption>
            <thead>
              <tr>
                <th scope="col">Published</th>
                <th scope="col">Event type</th>
                <th scope="col">Message</th>
                <th scope="col">Actor</th>
                <th scope="col">Outcome</th>
                <th scope="col">Targets</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>
                    <time datetime={e.published}>{e.published}</time>
                  </td>
                  <td>
                    <code>{e.eventType}</code>
                  </td>
                  <td>{e.displayMessage}</td>
                  <td>{who(e.actor)}</td>
                  <td class={`status-${e.outcome?.result}`}>
                    {e.outcome?.result}
                    {e.outcome?.reason ? ` (${e.outcome.reason})` : ""}
                  </td>
                  <td>
                    {(e.target ?? []).map((t: any) => (
                      <div>{`${t.type}: ${who(t)}`}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && (
          <p>
            <a href={`/admin/logs?${own}`} rel="next">
              Next page (older events)
            </a>
          </p>
        )}
      </div>
    </>,
    r.ok ? 200 : 400,
  );
}

/** The System Log, read through GET /api/v1/logs with the admin's token (okta.logs.read). */
export const logPages = new Hono<ConsoleEnv>().get("/", (c) => logPage(c));
