// Usage: node reaper.mjs <ownerPid> <serverPgid> [dirToRemove]
// Runs detached beside an e2e server. If the test process that started the server dies without stopping it
// (killed by a signal, or a vitest worker torn down with SIGKILL), this stops the server's whole process group and
// removes its temp folder. It exits on its own once the server group is gone.
import { rmSync } from "node:fs";

const [ownerPid, pgid, dir] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};
const signal = (sig) => {
  try {
    process.kill(-pgid, sig);
  } catch {
    // gone
  }
};

const timer = setInterval(() => {
  if (alive(ownerPid)) {
    if (!alive(-pgid)) clearInterval(timer); // stopped by its owner: nothing left to do
    return;
  }
  clearInterval(timer);
  signal("SIGTERM");
  setTimeout(() => {
    signal("SIGKILL");
    if (dir) setTimeout(() => rmSync(dir, { recursive: true, force: true }), 500);
  }, 3000);
}, 500);
