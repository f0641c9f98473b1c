#!/usr/bin/env node
// The npm registry reachable here lacks some platform builds of workerd (darwin, windows) for recent releases,
// so `npm install` records workerd's optional edges to them without entries, and `npm ci` then refuses the lock
// ("Missing: @cloudflare/workerd-darwin-64@ from lock file"). This drops edges to optional packages that have no
// entry in the lock; it changes nothing when the lock is complete. Run after every `npm install` (postinstall).
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const present = new Set(Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, "")));
let dropped = 0;
for (const entry of Object.values(lock.packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped++;
    }
  }
}
if (dropped) {
  writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
  console.log(`fix-lock: dropped ${dropped} optional dependencies the registry does not serve`);
}
