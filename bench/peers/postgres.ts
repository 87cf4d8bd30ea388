import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

/** A fresh database on the bench's server, dropped after its row. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** One database per target (and per webhook row), so no target sees another's rows. */
export async function createDatabase(admin: string, label: string): Promise<BenchDatabase> {
  const name = `peers_${label.toLowerCase().replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  await withClient(admin, (client) => client.query(`create database ${name}`));
  const drop = async () => {
    await withClient(admin, (client) =>
      client.query(`drop database if exists ${name} with (force)`),
    );
  };
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.href, drop };
}

export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * CPU (user + system, ms) the PostgreSQL server has used so far, or undefined when it does
 * not run on this machine. The postmaster's children are the backends, the WAL writer,
 * autovacuum…; a child that exits is added to the postmaster's `cutime`/`cstime` when it is
 * reaped, so the sum never drops when a connection closes mid-row.
 */
export async function postgresCpuMeter(admin: string): Promise<(() => number) | undefined> {
  // Read while connected: the backend exits with its connection.
  const postmaster = await withClient(admin, async (client) => {
    const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
    const backend = rows[0]?.pid;
    return backend === undefined ? undefined : readStat(backend)?.ppid;
  });
  // A remote server's pid means nothing here; one in a container may name another process.
  if (postmaster === undefined || readStat(postmaster)?.command !== "postgres") return undefined;
  return () => {
    let ticks = 0;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(Number(entry));
      if (stat?.ppid === postmaster) ticks += stat.utime + stat.stime;
    }
    const self = readStat(postmaster);
    if (self) ticks += self.utime + self.stime + self.cutime + self.cstime;
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  };
}

function readStat(pid: number) {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // gone, or no /proc
  }
  const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  // Fields after the command name, which is in parentheses and may hold spaces: state is [0].
  const fields = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return {
    command,
    ppid: fields[1],
    utime: fields[11] ?? 0,
    stime: fields[12] ?? 0,
    cutime: fields[13] ?? 0,
    cstime: fields[14] ?? 0,
  };
}

/** `getconf CLK_TCK`: 100 on every Linux Node.js runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
