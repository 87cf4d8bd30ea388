import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
  try {
    const pid = Number(
      readFileSync(join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0],
    );
    if (pid > 0) process.kill(pid, "SIGQUIT");
  } catch {
    // No server there, or it is gone already.
  }
  rmSync(dir, { recursive: true, force: true });
}
