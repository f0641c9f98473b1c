import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ADMIN_TOKEN, BASE } from "../support/admin";
import { asBasic, createApp, mintToken, readyServer } from "../support/clients";
import { appFor, createGroup, createPerson, peopleServer, tokensFor } from "../support/people";
import { forgeries, lcg } from "./support/forgeries";
import { describeRequest, requestArb, toRequest, type World } from "./support/requests";
import { routes, type Route } from "./support/routes";
import { judge } from "./support/shapes";
import { report, scaled, SEED } from "./support/run";

/**
 * Part 1: generated requests against every route the Worker has (read from the Hono app), each answer judged:
 * never a 5xx, and every 4xx in its route's dialect's exact shape. Seeded and shrinking (fast-check): a failure is
 * reported as the smallest request that still fails, with the seed and path to replay it.
 */

const TOTAL = scaled(600, 20_000);
/** Runs per property: a property stops at its first failure, so the run is split to keep counting after one. */
const CHUNK = scaled(200, 1_000);

let world: World;
let all: Route[];

beforeAll(async () => {
  const rs = await readyServer();
  const service = await createApp();
  const ps = await peopleServer();
  const person = await createPerson();
  const web = await appFor(person);
  const group = await createGroup();
  const access = await mintToken(rs.id, service, "orders:read");
  const people = await tokensFor(ps.id, web, person);
  const rnd = lcg(SEED);
  const forged = [...(await forgeries(access, rnd)), ...(await forgeries(people.access_token, rnd)), ...(await forgeries(people.id_token, rnd))];
  const tokens = [access, people.access_token, people.refresh_token, people.id_token, ...forged];
  world = {
    ids: {
      authServerId: [rs.id, ps.id, "default", "org", "aus0000000000000000"],
      serverId: [rs.id, ps.id, "default", "aus0000000000000000"],
      policyId: [rs.policy.id, ps.policy.id, "00p0000000000000000"],
      ruleId: [rs.rule.id, ps.rule.id, "0pr0000000000000000"],
      appId: [service.id, web.id, "0oa0000000000000000"],
      clientId: [service.clientId, web.clientId],
      userId: [person.id, "00u0000000000000000"],
      groupId: [group.id, "00geveryone000000000"],
      id: [service.id, web.id, person.id, group.id, "00u0000000000000000"],
      keyId: [rs.server.credentials.signing.kid, "kid-unknown"],
      scopeId: ["scp0000000000000000"],
      claimId: ["ocl0000000000000000"],
      grantId: ["oag0000000000000000"],
      roleId: ["ra10000000000000000"],
    },
    // The first and third are what plausible admin and OAuth requests start from (requests.ts).
    authorizations: [
      `SSWS ${ADMIN_TOKEN}`,
      `SSWS ${ADMIN_TOKEN}x`,
      asBasic(service).Authorization,
      asBasic(web).Authorization,
      asBasic({ clientId: service.clientId, secret: "wrong" }).Authorization,
      "Basic !!!not-base64",
      "Basic " + btoa("\xff\xfe:\xff"),
      "Bearer",
      "Bearer ",
      ...tokens.map((t) => `Bearer ${t}`),
      `DPoP ${access}`,
      "Negotiate abc",
    ],
    tokens,
    clientIds: [service.clientId, web.clientId, "0oa-unknown"],
  };
  all = routes();
});

describe("fuzzing every route", () => {
  it(`answers ${TOTAL} generated requests with no 5xx and every error in its dialect's exact shape`, { timeout: scaled(120_000, 1_200_000) }, async () => {
    expect(all.length).toBeGreaterThan(50);
    let requests = 0;
    let fiveXX = 0;
    let badShape = 0;
    const failures: { seed: number; path: string | undefined; counterexample: string; problem: string }[] = [];
    const byRoute = new Map<string, number>();
    const statuses: Record<string, number> = {};
    // Unexpected errors are logged by design (one line per 5xx); keep them out of the output, they are counted.
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (let chunk = 0; requests < TOTAL; chunk++) {
        const details = await fc.check(
          fc.asyncProperty(requestArb(world, all), async (r) => {
            requests++;
            const res = await exports.default.fetch(toRequest(BASE, r, world));
            const text = await res.text();
            const verdict = judge(r.route.dialect, r.method, res, text);
            byRoute.set(`${r.route.method} ${r.route.path}`, (byRoute.get(`${r.route.method} ${r.route.path}`) ?? 0) + 1);
            statuses[`${Math.floor(res.status / 100)}xx`] = (statuses[`${Math.floor(res.status / 100)}xx`] ?? 0) + 1;
            if (verdict.fiveXX) fiveXX++;
            if (verdict.problem) badShape++;
            return !verdict.fiveXX && !verdict.problem;
          }),
          { seed: SEED + chunk, numRuns: Math.min(CHUNK, TOTAL - requests) },
        );
        if (details.failed && details.counterexample) {
          // Replayed once to say what was wrong with the shrunk request's answer.
          const r = details.counterexample[0];
          const res = await exports.default.fetch(toRequest(BASE, r, world));
          const text = await res.text();
          const verdict = judge(r.route.dialect, r.method, res, text);
          const problem = `${verdict.problem ?? "5xx"}: ${res.status} ${text.slice(0, 300)}`;
          failures.push({ seed: details.seed, path: details.counterexamplePath ?? undefined, counterexample: describeRequest(r), problem });
        }
      }
    } finally {
      log.mockRestore();
    }
    const unreached = all.filter((r) => !byRoute.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
    report("fuzz", { fuzz_requests: requests, fuzz_5xx: fiveXX, fuzz_bad_shape: badShape, fuzz_routes: all.length }, { statuses, failures, unreached });
    expect(failures).toEqual([]);
    expect({ fiveXX, badShape }).toEqual({ fiveXX: 0, badShape: 0 });
    expect(requests).toBeGreaterThanOrEqual(TOTAL);
  });
});

describe("the fuzzer's judge", () => {
  const json = (status: number, body: unknown, headers: Record<string, string>) => ({ status, headers: new Headers({ "Content-Type": "application/json", ...headers }) , text: JSON.stringify(body) });
  it.each([
    ["a 500", "oauth", json(500, { error: "server_error", error_description: "x" }, { "Cache-Control": "no-store", Pragma: "no-cache" }), "5xx"],
    ["an OAuth error without no-store", "oauth", json(400, { error: "invalid_request", error_description: "x" }, {}), "OAuth error without no-store and no-cache"],
    ["an OAuth error with a status its code does not have", "oauth", json(401, { error: "invalid_request", error_description: "x" }, { "Cache-Control": "no-store", Pragma: "no-cache" }), "invalid_request with status 401"],
    ["an Okta error without its errorId", "okta", json(404, { errorCode: "E0000007", errorSummary: "x", errorLink: "E0000007", errorCauses: [] }, { "Cache-Control": "no-store" }), "Okta error members errorCode,errorSummary,errorLink,errorCauses"],
    ["an OAuth error on an admin route", "okta", json(400, { error: "invalid_request", error_description: "x" }, { "Cache-Control": "no-store", Pragma: "no-cache" }), "Okta error members error,error_description"],
    ["a JSON error on a page route", "page", json(400, { error: "invalid_request", error_description: "x" }, { "Cache-Control": "no-store", Pragma: "no-cache" }), "error page without text/html"],
  ] as const)("refuses %s", (_, dialect, res, expected) => {
    const verdict = judge(dialect, "POST", res, res.text);
    expect(verdict.fiveXX ? "5xx" : verdict.problem).toBe(expected);
  });
});
