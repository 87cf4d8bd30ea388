import type { SetupItem, SetupItemStatus } from "../billing/doctor/setup-checklist.js";

const MARKS: Record<SetupItemStatus, { mark: string; color: number }> = {
  ok: { mark: "✓", color: 32 },
  missing: { mark: "✗", color: 31 },
  problem: { mark: "✗", color: 31 },
  "skipped-offline": { mark: "-", color: 90 },
};

/** What `portico start` says about the checks it leaves to the background. */
const BACKGROUND = "portal and prices are checked against Stripe in the background";

/**
 * The checklist `portico start` prints under its banner: one line when every item is ok
 * (a quick start should stay quiet), else every item with the next step of each that is not.
 */
export function renderStartChecklist(items: SetupItem[], color: boolean): string {
  const pending = items.filter((item) => item.status !== "ok");
  if (pending.length === 0) {
    return `Setup checklist: all ${items.length} ok; ${BACKGROUND} (\`portico doctor\` for details).`;
  }
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const nameWidth = Math.max(...items.map((item) => item.name.length));
  const stateWidth = Math.max(...items.map((item) => item.status.length));
  const lines = [
    `Setup checklist: ${pending.length} of ${items.length} need${pending.length === 1 ? "s" : ""} attention (\`portico doctor\` checks these and more)`,
  ];
  for (const item of items) {
    const { mark, color: code } = MARKS[item.status];
    lines.push(
      `  ${paint(code, `${mark} ${item.status.padEnd(stateWidth)}`)}  ${item.name.padEnd(nameWidth)}  ${item.message}`,
    );
    if (item.next && item.status !== "ok")
      lines.push(`      ${paint(code, "next:")} ${item.next.replaceAll("\n", "\n        ")}`);
  }
  lines.push(`  … ${BACKGROUND}; a warning follows if they need \`portico stripe apply\``);
  return lines.join("\n");
}
