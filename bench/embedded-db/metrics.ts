import type { Goal, Metric } from "./report.js";

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
  const saturation = `saturation, ${connections} connections`;
  const burst = `${connections} portal requests at once, Stripe ${stripeLatencyMs} ms`;
  return [
    metric("cold start (new data directory)", "npm start to /healthz", "ms", 0, "coldMs"),
    metric(
      "cold start (new data directory)",
      "of which the database: initdb, start, first connection",
      "ms",
      0,
      "coldDbMs",
    ),
    metric("warm start (the same again)", "npm start to /healthz", "ms", 0, "warmMs"),
    metric(
      "warm start (the same again)",
      "of which the database: start, first connection",
      "ms",
      0,
      "warmDbMs",
    ),
    ...(
      [
        ["idleCold", "idle after the cold start"],
        ["idleWarm", "idle after the warm start"],
        ["saturated", `after ${saturationS} s of saturation`],
      ] as const
    ).flatMap(([prefix, group]) => [
      metric(group, "server RSS", "MB", 0, `${prefix}.serverRss`),
      metric(group, "server PSS", "MB", 0, `${prefix}.serverPss`),
      metric(group, "database PSS (all its processes)", "MB", 1, `${prefix}.dbPss`),
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
    metric(saturation, "portal req/s", "req/s", 0, "rps"),
    metric(saturation, "p50", "ms", 0, "p50"),
    metric(saturation, "p99", "ms", 0, "p99"),
    metric(saturation, "CPU per request, server + database", "ms", 2, "cpuMsPerRequest"),
    metric(saturation, "CPU per request, of which the database", "ms", 2, "dbCpuMsPerRequest"),
    metric(saturation, "CPU per request, emulator", "ms", 2, "emulatorCpuMsPerRequest"),
    metric(saturation, "errors", "count", 0, "errors"),
    ...(["min", "median", "max"] as const).map((at) => metric(burst, at, "ms", 0, `hol.${at}`)),
    metric(burst, "errors", "count", 0, "hol.errors"),
  ];
}

/** The issue's goals for `npm start`'s embedded database (issue 19). */
export function benchGoals(saturationS: number): Goal[] {
  const idle = (key: string) => [
    { label: "cold", key: `idleCold.${key}` },
    { label: "warm", key: `idleWarm.${key}` },
  ];
  return [
    {
      label: "idle server + database ≤ 150 MB (PSS)",
      limit: 150,
      unit: "MB",
      of: idle("serverDbPss"),
    },
    {
      label: "idle `npm start` group ≤ 300 MB (PSS)",
      limit: 300,
      unit: "MB",
      of: idle("groupPss"),
    },
    {
      label: `server + database ≤ 300 MB after ${saturationS} s of saturation (PSS)`,
      limit: 300,
      unit: "MB",
      of: [
        { label: "after", key: "saturated.serverDbPss" },
        { label: "peak", key: "saturated.peakServerDbPss" },
      ],
    },
    {
      label: "cold start to ready ≤ 3 s",
      limit: 3_000,
      unit: "ms",
      of: [{ label: "cold", key: "coldMs" }],
    },
    {
      label: "warm start to ready ≤ 1.5 s",
      limit: 1_500,
      unit: "ms",
      of: [{ label: "warm", key: "warmMs" }],
    },
  ];
}

function metric(group: string, label: string, unit: string, digits: number, key: string): Metric {
  return { group, label, unit, digits, key };
}
