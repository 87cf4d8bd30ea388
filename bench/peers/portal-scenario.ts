import type { LoadResult } from "../load.js";
import {
  type PortalSetup,
  type PortalTarget,
  startBetterAuthTarget,
  startDirectTarget,
  startPorticoTarget,
  startRelayTarget,
  startSeedTarget,
} from "./portal-targets.js";
import { checkCell, cpuCell, median, range, ratio, rounds, table } from "./report.js";

export interface PortalOptions {
  rounds: number;
  duration: number;
  warmup: number;
  /** The offered load of the latency rows, req/s. */
  rate: number;
  postgresCpuMs: (() => number) | undefined;
}

interface Measured {
  result: LoadResult;
  serverCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number | undefined;
  check: string;
}

// Portico first and the seed third: the ratio columns divide by them. The direct call is the
// latency rows' base.
const STARTERS = [
  startPorticoTarget,
  startBetterAuthTarget,
  startSeedTarget,
  startDirectTarget,
  startRelayTarget,
];
const DIRECT = 3;

/**
 * Every target started once against the same emulator and PostgreSQL server, then, round
 * after round, each one loaded in turn: first at saturation, then at the fixed rate.
 */
export async function runPortalScenario(setup: PortalSetup, options: PortalOptions) {
  const targets: PortalTarget[] = [];
  try {
    for (const start of STARTERS) targets.push(await start(setup));
    for (const target of targets) await target.saturate(options.warmup);
    const saturation = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
    const paced = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        const row = await measure(target, options, () => target.saturate(options.duration));
        saturation.get(target.name)?.push(row);
        progress(`portal round ${round}, ${target.name}, saturation`, row);
      }
      for (const target of targets) {
        const row = await measure(target, options, () =>
          target.paced(options.rate, options.duration),
        );
        paced.get(target.name)?.push(row);
        progress(`portal round ${round}, ${target.name}, ${options.rate} req/s`, row);
      }
    }
    return printPortal(setup, options, targets, saturation, paced);
  } finally {
    for (const target of targets) await target.stop();
  }
}

async function measure(
  target: PortalTarget,
  options: PortalOptions,
  run: () => Promise<LoadResult>,
): Promise<Measured> {
  const server = target.cpuMs();
  const postgres = options.postgresCpuMs?.();
  const result = await run();
  const postgresAfter = options.postgresCpuMs?.();
  const requests = Math.max(1, result.requests);
  const missingUrl = result.requests - result.errors - result.withUrl;
  const problems = [
    result.errors ? `${result.errors} errors` : "",
    missingUrl ? `${missingUrl} answers without a URL` : "",
  ].filter(Boolean);
  return {
    result,
    serverCpuMsPerRequest: (target.cpuMs() - server) / requests,
    postgresCpuMsPerRequest:
      postgres === undefined || postgresAfter === undefined
        ? undefined
        : (postgresAfter - postgres) / requests,
    check: problems.length ? problems.join(", ") : "ok",
  };
}

function progress(label: string, row: Measured) {
  const rps = row.result.requests / row.result.seconds;
  console.error(
    `${label}: ${rps.toFixed(0)} req/s, p50 ${row.result.p50.toFixed(2)} ms, ` +
      `server CPU ${row.serverCpuMsPerRequest.toFixed(2)} ms/req, ${row.check}`,
  );
}

function printPortal(
  setup: PortalSetup,
  options: PortalOptions,
  targets: PortalTarget[],
  saturation: Map<string, Measured[]>,
  paced: Map<string, Measured[]>,
): string {
  const rps = (rows: Measured[]) => rows.map((row) => row.result.requests / row.result.seconds);
  const [portico, , seed] = targets.map((t) => median(rps(saturation.get(t.name) ?? [])));
  const saturationRows = targets.map((target, i) => {
    const rows = saturation.get(target.name) ?? [];
    const value = median(rps(rows));
    return [
      target.name,
      value.toFixed(0),
      range(rps(rows), 0),
      ratio(value, portico ?? Number.NaN, i === 0),
      ratio(value, seed ?? Number.NaN, i === 2),
      cpuCell(rows.map((row) => row.serverCpuMsPerRequest)),
      target.usesDatabase ? cpuCell(rows.map((row) => row.postgresCpuMsPerRequest)) : "–",
      median(rows.map((row) => row.result.p50)).toFixed(1),
      String(rows.reduce((sum, row) => sum + row.result.errors, 0)),
      checkCell(rows.map((row) => row.check)),
    ];
  });
  const directP50 = median(
    (paced.get(targets[DIRECT]?.name ?? "") ?? []).map((row) => row.result.p50),
  );
  const pacedRows = targets.map((target, i) => {
    const rows = paced.get(target.name) ?? [];
    const p50 = median(rows.map((row) => row.result.p50));
    return [
      target.name,
      // Below the offered rate, the target could not keep up: its latency is queueing.
      median(rps(rows)).toFixed(0),
      p50.toFixed(2),
      range(
        rows.map((row) => row.result.p50),
        2,
      ),
      median(rows.map((row) => row.result.p99)).toFixed(2),
      i === DIRECT ? "–" : (p50 - directP50).toFixed(2),
      String(rows.reduce((sum, row) => sum + row.result.errors, 0)),
      checkCell(rows.map((row) => row.check)),
    ];
  });
  return [
    `### Portal sessions: saturation (${setup.connections} connections, ${options.duration} s per row, ${rounds(options.rounds)}, medians)`,
    "",
    table(
      [
        "target",
        "req/s",
        "min–max",
        "vs Portico",
        "vs seed",
        "server CPU ms/req",
        "PostgreSQL CPU ms/req",
        "p50 ms",
        "errors",
        "check: 2xx with a URL",
      ],
      [false, true, true, true, true, true, true, true, true, false],
      saturationRows,
    ),
    "",
    `### Portal sessions: latency at ${options.rate} req/s (evenly paced, ${setup.connections} workers, medians)`,
    "",
    table(
      [
        "target",
        "req/s reached",
        "p50 ms",
        "min–max",
        "p99 ms",
        "p50 over direct SDK, ms",
        "errors",
        "check: 2xx with a URL",
      ],
      [false, true, true, true, true, true, true, false],
      pacedRows,
    ),
  ].join("\n");
}
