#!/usr/bin/env node
// `npm start`: apply migrations/ to the local D1 database, make sure local secrets exist, start wrangler dev.
// Honours PORT and ADMIN_TOKEN from the environment, so scripts can choose both.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const devVars = join(root, ".dev.vars");
const port = process.env.PORT ?? "8787";
const persist = process.env.MINTGATE_PERSIST_DIR; // tests give each server its own state folder
const wrangler = join(root, "node_modules", ".bin", "wrangler");

function readVars(file) {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((l) => l.match(/^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

// Secrets come from the environment or an --env-file when a script starts the server (the tests do); only
// otherwise does .dev.vars get read and, if needed, created.
const extra = process.argv.slice(2);
const external = extra.includes("--env-file") || (process.env.ADMIN_TOKEN && process.env.KEY_ENCRYPTION_SECRET);
const vars = external ? {} : readVars(devVars);
const generated = [];
if (!external && !vars.ADMIN_TOKEN) {
  vars.ADMIN_TOKEN = "00" + randomBytes(30).toString("base64url");
  generated.push("ADMIN_TOKEN");
}
if (!external && !vars.KEY_ENCRYPTION_SECRET) {
  vars.KEY_ENCRYPTION_SECRET = randomBytes(32).toString("base64url");
  generated.push("KEY_ENCRYPTION_SECRET");
}
if (generated.length) {
  writeFileSync(devVars, Object.entries(vars).map(([k, v]) => `${k}="${v}"`).join("\n") + "\n", { mode: 0o600 });
}
if (process.env.ADMIN_TOKEN) vars.ADMIN_TOKEN = process.env.ADMIN_TOKEN;
if (process.env.KEY_ENCRYPTION_SECRET) vars.KEY_ENCRYPTION_SECRET = process.env.KEY_ENCRYPTION_SECRET;

const persistArgs = persist ? ["--persist-to", persist] : [];
// The migrations not yet applied to this state (README, Schema changes), as a deploy applies them remotely. A
// state created by schema.sql before migrations existed adopts them: 0001 and 0002 change nothing there.
const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "mintgate", "--local", ...persistArgs], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
  env: { WRANGLER_SEND_METRICS: "false", CI: "1", ...process.env },
});
if (migrate.status !== 0) {
  console.error(`mintgate: applying migrations/ to the local D1 database failed\n${migrate.stdout ?? ""}`);
  process.exit(migrate.status ?? 1);
}

if (generated.includes("ADMIN_TOKEN") && !process.env.ADMIN_TOKEN) {
  console.log(`\nmintgate: generated an admin API token and saved it to .dev.vars (shown once):\n\n  ADMIN_TOKEN=${vars.ADMIN_TOKEN}\n\n  curl -H "Authorization: SSWS ${vars.ADMIN_TOKEN}" http://127.0.0.1:${port}/api/v1/authorizationServers\n`);
}

const varArgs = Object.entries(vars)
  .filter(([k]) => k === "ADMIN_TOKEN" || (k === "KEY_ENCRYPTION_SECRET" && process.env.KEY_ENCRYPTION_SECRET))
  .flatMap(([k, v]) => ["--var", `${k}:${v}`]);
const args = ["dev", "--ip", "127.0.0.1", "--port", port, ...varArgs, ...persistArgs, ...extra];
const child = spawn(wrangler, args, { cwd: root, stdio: "inherit", env: { WRANGLER_SEND_METRICS: "false", ...process.env } });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
