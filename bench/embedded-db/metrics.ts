import type { Metric } from "./report.js";

/** The rows of the bench's table, each a key of a round's result. */
export function benchMetrics({
  saturationS,
  connections,
  stripeLatencyMs,
}: {
  saturationS: number;
  connections: number;
  stripeLatencyMs: number;
}): Metric[] {
  return [
    ...(["cold", "warm"] as const).flatMap((start) => [
      metric(`${start} start`, "database (initdb, start)", "ms", 0, `${start}DbMs`, {
        pgOnly: true,
      }),
      metric(`${start} start`, "npm start to /healthz", "ms", 0, `${start}ServerMs`),
      metric(`${start} start`, "total", "ms", 0, `${start}TotalMs`),
    ]),
    ...(
      [
        ["idleCold", "idle after the cold start"],
        ["idleWarm", "idle after the warm start"],
        ["saturated", `after ${saturationS} s of saturation`],
      ] as const
    ).flatMap(([prefix, group]) => [
      metric(group, "server RSS", "MB", 0, `${prefix}.serverRss`),
      metric(group, "server PSS", "MB", 0, `${prefix}.serverPss`),
      metric(group, "database PSS (all its processes)", "MB", 1, `${prefix}.dbPss`, {
        pgOnly: true,
      }),
      metric(group, "server + database PSS", "MB", 0, `${prefix}.serverDbPss`),
      metric(group, "emulator PSS", "MB", 0, `${prefix}.emulatorPss`),
      metric(group, "whole npm start group PSS", "MB", 0, `${prefix}.groupPss`),
    ]),
    metric(
      `after ${saturationS} s of saturation`,
      "peak server + database PSS",
      "MB",
      0,
      "saturated.peakServerDbPss",
    ),
    metric(`saturation, ${connections} connections`, "portal req/s", "req/s", 0, "rps"),
    metric(`saturation, ${connections} connections`, "p50", "ms", 0, "p50"),
    metric(`saturation, ${connections} connections`, "p99", "ms", 0, "p99"),
    metric(
      `saturation, ${connections} connections`,
      "CPU per request, server + database",
      "ms",
      2,
      "cpuMsPerRequest",
    ),
    metric(
      `saturation, ${connections} connections`,
      "CPU per request, emulator",
      "ms",
      2,
      "emulatorCpuMsPerRequest",
    ),
    metric(`saturation, ${connections} connections`, "errors", "count", 0, "errors"),
    ...(["min", "median", "max"] as const).map((at) =>
      metric(
        `${connections} portal requests at once, Stripe ${stripeLatencyMs} ms`,
        at,
        "ms",
        0,
        `hol.${at}`,
      ),
    ),
    metric(
      `${connections} portal requests at once, Stripe ${stripeLatencyMs} ms`,
      "errors",
      "count",
      0,
      "hol.errors",
    ),
  ];
}

function metric(
  group: string,
  label: string,
  unit: string,
  digits: number,
  key: string,
  { pgOnly = false } = {},
): Metric {
  return {
    group,
    label,
    unit,
    digits,
    of: (round) => (pgOnly && round.postgres !== 1 ? undefined : round[key]),
  };
}
