import { existsSync } from "node:fs";
import { join } from "node:path";
import { embeddedPostmasterPid } from "../../test/data-dir.js";
import { processTree, readTreeCpuMs } from "./process-memory.js";

/**
 * The embedded PostgreSQL that `npm start` runs in `<dataDir>/postgres`, seen from outside:
 * its postmaster (the first line of `postmaster.pid`) and that process's tree (the backends
 * and background workers). The bench's data directories are mode 0755, so even as root (where
 * the server runs as an unprivileged account) the cluster is inside them, not under /var/tmp.
 */

/** The postmaster and every process below it; empty when no server runs. */
export function databaseProcesses(dataDir: string): number[] {
  const pid = embeddedPostmasterPid(dataDir);
  return pid === undefined ? [] : processTree(pid);
}

/** CPU of the whole server: the postmaster's own and its reaped backends', its live ones'. */
export function readDatabaseCpuMs(dataDir: string): number {
  const pid = embeddedPostmasterPid(dataDir);
  return pid === undefined ? 0 : readTreeCpuMs(pid);
}

/**
 * How long, in ms, Portico spent starting the database inside `npm start`: the time it held
 * `<dataDir>/postgres.lock`, which src/db/embedded-postgres.ts takes before initdb (on a new
 * cluster) or the server's start and releases once a first connection succeeds. Polled
 * every 5 ms while `npm start` comes up.
 */
export function watchDatabaseStart(dataDir: string) {
  const lock = join(dataDir, "postgres.lock");
  const started = performance.now();
  let takenMs: number | undefined;
  let releasedMs: number | undefined;
  const poll = () => {
    const held = existsSync(lock);
    const now = performance.now() - started;
    if (takenMs === undefined && held) takenMs = now;
    else if (takenMs !== undefined && releasedMs === undefined && !held) releasedMs = now;
  };
  const timer = setInterval(poll, 5);
  return {
    /** Once the server answers: the lock's time held, or undefined if it was never seen. */
    stop(): number | undefined {
      clearInterval(timer);
      poll();
      return takenMs === undefined || releasedMs === undefined ? undefined : releasedMs - takenMs;
    },
  };
}
