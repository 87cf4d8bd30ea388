/** The bench's tables: each metric's median and min–max over the rounds, and the goals. */

export interface Metric {
  group: string;
  label: string;
  unit: string;
  digits: number;
  /** The key of a round's result. */
  key: string;
}

/** An upper limit on the medians of some results (e.g. idle memory after each start). */
export interface Goal {
  label: string;
  limit: number;
  unit: string;
  /** What each result is, for the table, and its key in a round's result. */
  of: { label: string; key: string }[];
}

export type RoundResult = Record<string, number>;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const valuesOf = (rounds: RoundResult[], key: string) =>
  rounds
    .map((round) => round[key])
    .filter((value): value is number => value !== undefined && Number.isFinite(value));

const format = (value: number, digits: number) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function summarize(values: number[], digits: number): string {
  if (values.length === 0) return "–";
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high || values.length === 1
    ? format(median(values), digits)
    : `${format(median(values), digits)} (${format(low, digits)}–${format(high, digits)})`;
}

export function printTable(metrics: Metric[], label: string, rounds: RoundResult[]): void {
  console.log(`| metric | ${label} |`);
  console.log("|---|---:|");
  let group = "";
  for (const metric of metrics) {
    if (metric.group !== group) {
      group = metric.group;
      console.log(`| **${group}** | |`);
    }
    const cell = summarize(valuesOf(rounds, metric.key), metric.digits);
    console.log(`| ${metric.label} (${metric.unit}) | ${cell} |`);
  }
}

/** Met when every median is within the limit; the worst round is shown beside each. */
export function printGoals(goals: Goal[], rounds: RoundResult[]): void {
  console.log("| goal | median (worst round) | met |");
  console.log("|---|---|---|");
  for (const goal of goals) {
    const measured = goal.of.map(({ label, key }) => {
      const values = valuesOf(rounds, key);
      return { label, median: values.length ? median(values) : undefined, values };
    });
    const cells = measured.map(({ label, median, values }) =>
      median === undefined
        ? `${label}: –`
        : `${label}: ${format(median, 0)} (${format(Math.max(...values), 0)}) ${goal.unit}`,
    );
    const medians = measured.map((m) => m.median);
    const worst = Math.max(...measured.flatMap((m) => m.values));
    const met = medians.some((m) => m === undefined)
      ? "–"
      : medians.every((m) => (m ?? 0) <= goal.limit)
        ? worst <= goal.limit
          ? "**yes**"
          : "yes (not in every round)"
        : "no";
    console.log(`| ${goal.label} | ${cells.join("; ")} | ${met} |`);
  }
}
