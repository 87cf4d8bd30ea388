/** Medians and Markdown tables for the rounds of one row. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** "min–max" over the rounds, or the one value. */
export function range(values: number[], digits: number): string {
  const low = Math.min(...values).toFixed(digits);
  const high = Math.max(...values).toFixed(digits);
  return low === high ? low : `${low}–${high}`;
}

/** `value / base` as "0.42×"; "1×" for the base row itself. */
export function ratio(value: number, base: number, isBase: boolean): string {
  return isBase ? "1×" : `${(value / base).toFixed(2)}×`;
}

/** Per-round CPU samples may be missing (PostgreSQL elsewhere, or no database at all). */
export function cpuCell(values: (number | undefined)[], digits = 2): string {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length ? median(known).toFixed(digits) : "n/a";
}

export function table(header: string[], right: boolean[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(header),
    line(right.map((isRight) => (isRight ? "---:" : "---"))),
    ...rows.map(line),
  ].join("\n");
}

/** One check over the rounds: "ok" when every round passed, else each failure. */
export function checkCell(checks: string[]): string {
  const failed = checks
    .map((check, round) => [round + 1, check] as const)
    .filter(([, c]) => c !== "ok");
  if (!failed.length) return `ok (${checks.length}/${rounds(checks.length)})`;
  return `FAILED ${failed.map(([round, check]) => `round ${round}: ${check}`).join("; ")}`;
}

export const rounds = (count: number) => `${count} round${count === 1 ? "" : "s"}`;
