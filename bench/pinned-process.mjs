// Starting a server process pinned to one core, reading the one JSON line it prints when ready, and stopping it.
import { spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** The server core and the load-generator core (taskset -c). */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

// When this process ends, however it ends, its servers are asked to stop: SIGTERM lets each Miniflare host
// dispose of its workerd (SIGKILL would orphan it). Their stdin closing tells them too.
const started = new Set();
process.once("exit", () => {
  for (const child of started) child.kill("SIGTERM");
});

/** Which cores a process may run on, as /proc says (e.g. "0"). */
export function allowedCores(pid) {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The pids of a process's direct children (workerd, for a Miniflare host). */
export function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Runs `node script ...args` under `taskset -c core`; its children (workerd) inherit the affinity. Resolves with
 * the first JSON line it prints, once it says ok. Its stdin stays open: the process exits when we do. Everything
 * else it prints (workerd's and the Worker's logs) goes to `logFile` when given.
 */
export function startPinned({ script, args = [], core = SERVER_CORE, env = {}, label, timeoutMs = 120_000, logFile }) {
  const child = spawn("taskset", ["-c", String(core), process.execPath, script, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  started.add(child);
  let stderr = "";
  const log = logFile ? createWriteStream(logFile, { flags: "a" }) : null;
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-20_000);
    log?.write(d);
  });
  const lines = createInterface({ input: child.stdout });
  let exited = false;
  const gone = new Promise((resolve) => child.once("exit", (code, signal) => ((exited = true), resolve({ code, signal }))));

  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(t);
    started.delete(child);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${label}: not ready after ${timeoutMs} ms`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      stop().finally(() => reject(new Error(`${err.message}\n--- ${label} stderr ---\n${stderr}`)));
    };
    lines.once("line", (line) => {
      clearTimeout(timer);
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return fail(new Error(`${label}: unexpected output: ${line}`));
      }
      if (!msg.ok) return fail(new Error(`${label}: ${msg.error}`));
      lines.on("line", (l) => log?.write(l + "\n"));
      resolve({ ...msg, child, stop, stderr: () => stderr });
    });
    gone.then(({ code, signal }) => fail(new Error(`${label} exited (${signal ?? code}) before it was ready`)));
  });
}
