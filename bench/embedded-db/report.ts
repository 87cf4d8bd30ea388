/** The bench's table: per metric, each variant's median and min–max over the rounds. */

export interface Metric {
  group: string;
  label: string;
  unit: string;
  digits: number;
  /** The value of one round, or undefined where the metric does not apply to the variant. */
  of: (round: RoundResult) => number | undefined;
}

export type RoundResult = Record<string, number>;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function summarize(values: number[], digits: number): string {
  if (values.length === 0) return "–";
  const format = (value: number) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high || values.length === 1
    ? format(median(values))
    : `${format(median(values))} (${format(low)}–${format(high)})`;
}

export function printTable(
  metrics: Metric[],
  variants: { id: string; label: string }[],
  results: Map<string, RoundResult[]>,
): void {
  const valuesOf = (metric: Metric, variant: string) =>
    (results.get(variant) ?? [])
      .map(metric.of)
      .filter((value): value is number => value !== undefined && Number.isFinite(value));
  console.log(`| metric | ${variants.map((v) => v.label).join(" | ")} |`);
  console.log(`|---|${variants.map(() => "---:").join("|")}|`);
  let group = "";
  for (const metric of metrics) {
    if (metric.group !== group) {
      group = metric.group;
      console.log(`| **${group}** |${variants.map(() => "").join(" |")} |`);
    }
    const cells = variants.map((variant) => summarize(valuesOf(metric, variant.id), metric.digits));
    console.log(`| ${metric.label} (${metric.unit}) | ${cells.join(" | ")} |`);
  }
}

/** Each variant's median against the first variant's, metric by metric. */
export function printRatios(
  metrics: Metric[],
  variants: { id: string; label: string }[],
  results: Map<string, RoundResult[]>,
): void {
  const [base, ...others] = variants;
  if (!base || others.length === 0) return;
  const medianOf = (metric: Metric, variant: string) => {
    const values = (results.get(variant) ?? [])
      .map(metric.of)
      .filter((value): value is number => value !== undefined && Number.isFinite(value));
    return values.length ? median(values) : undefined;
  };
  console.log(`\nRatios of medians, each variant ÷ ${base.label}\n`);
  console.log(`| metric | ${others.map((v) => v.label).join(" | ")} |`);
  console.log(`|---|${others.map(() => "---:").join("|")}|`);
  for (const metric of metrics) {
    const reference = medianOf(metric, base.id);
    if (!reference) continue;
    const cells = others.map((variant) => {
      const value = medianOf(metric, variant.id);
      return value === undefined ? "–" : `${(value / reference).toFixed(2)}×`;
    });
    console.log(`| ${metric.group}: ${metric.label} | ${cells.join(" | ")} |`);
  }
}
