import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A scratch PORTICO_DATA_DIR for a process that runs the embedded PostgreSQL. Mode 0755: as
 * root that server runs as an unprivileged account, which must reach the directory.
 */
export function makeDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Removes a scratch data dir, first stopping an embedded PostgreSQL still running in it (a
 * process killed before its shutdown leaves its server behind, as a crash would).
 */
export function removeDataDir(dir: string): void {
  const pid = embeddedPostmasterPid(dir);
  try {
    if (pid !== undefined) process.kill(pid, "SIGQUIT");
  } catch {
    // Gone already.
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The postmaster of the embedded PostgreSQL in a scratch data dir (the first line of its
 * `postmaster.pid`; the dirs are 0755, so the cluster is inside even as root), if it runs.
 */
export function embeddedPostmasterPid(dir: string): number | undefined {
  try {
    const [first] = readFileSync(join(dir, "postgres", "postmaster.pid"), "utf8").split("\n");
    const pid = Number(first);
    return pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}
