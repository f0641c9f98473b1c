// CPU accounting from /proc, so that a figure can be read even when other processes share the machine: the
// server's CPU time per request (robust to contention), and how busy the server core was with anything else.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** User + system CPU seconds of a process (all its threads), or 0 once it is gone. */
export function processCpuSeconds(pid) {
  try {
    // Fields after the ")" that closes comm: state is field 3, utime 14 and stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of one core since boot. */
function coreSeconds(core) {
  const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`cpu${core} `));
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / TICK, total: (busy + idle + iowait) / TICK };
}

/**
 * Starts a measurement: `target` are the pids of the server under test, `ours` every server process this bench
 * pinned to `core`. stop() tells the target's CPU seconds, and the share of the core that was busy, and busy
 * with processes that are not ours (other work on the machine).
 */
export function cpuMeter(core, target, ours) {
  const sum = (pids) => pids.reduce((a, p) => a + processCpuSeconds(p), 0);
  const t0 = sum(target);
  const o0 = sum(ours);
  const c0 = coreSeconds(core);
  return () => {
    const c1 = coreSeconds(core);
    const elapsed = c1.total - c0.total || 1e-9;
    const targetSeconds = sum(target) - t0;
    const oursSeconds = sum(ours) - o0;
    const busy = c1.busy - c0.busy;
    return { targetSeconds, coreBusy: busy / elapsed, foreign: Math.max(0, busy - oursSeconds) / elapsed };
  };
}
