import { readdirSync, readFileSync } from "node:fs";

/**
 * Memory and CPU of processes and their trees, from Linux's `/proc`. PSS splits each shared
 * page among the processes that map it, so it adds up across a tree (npm, the server, the
 * emulator and PostgreSQL's postmaster with its backends share the node binary or the
 * postgres text); RSS counts those pages in every process.
 */

export interface Memory {
  rssMb: number;
  pssMb: number;
}

const ZERO: Memory = { rssMb: 0, pssMb: 0 };

/** RSS and PSS of one process from `smaps_rollup`; zero once it has exited. */
export function readMemory(pid: number): Memory {
  let rollup: string;
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return ZERO;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(rollup)?.[1]);
  return { rssMb: kb("Rss") / 1024, pssMb: kb("Pss") / 1024 };
}

export function sumMemory(memories: Memory[]): Memory {
  return memories.reduce((sum, m) => ({ rssMb: sum.rssMb + m.rssMb, pssMb: sum.pssMb + m.pssMb }), {
    ...ZERO,
  });
}

/** Fields of `/proc/<pid>/stat` after the command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** `pid` and every process below it, found through each process's parent id. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!parent) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** A process's arguments, its program first. */
export function readCommandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** `getconf CLK_TCK`: 100 on every Linux Node.js runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) in ms that a process has used; with `reaped`, also that of the
 * children it has waited for (the postmaster reaps its backends when they exit).
 */
export function readCpuMs(pid: number, { reaped = false } = {}): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime, stime, cutime, cstime
  const own = Number(fields[11]) + Number(fields[12]);
  const waited = reaped ? Number(fields[13]) + Number(fields[14]) : 0;
  return ((own + waited) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU of a whole tree that reaps its own children: the root's own and reaped, its live children's own. */
export function readTreeCpuMs(pid: number): number {
  const [root, ...rest] = processTree(pid);
  if (root === undefined) return 0;
  return readCpuMs(root, { reaped: true }) + rest.reduce((sum, p) => sum + readCpuMs(p), 0);
}
