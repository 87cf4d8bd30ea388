import { describe, expect, it } from "vitest";
import type { BackfillProgress } from "../billing/backfill/backfill-run.js";
import { emptyProgress } from "../db/sync-progress.js";
import { createProgressView, describeProgress, renderSyncText } from "./sync-output.js";

function progress(): BackfillProgress {
  const [customers, subscriptions, invoices, cards] = [
    { ...emptyProgress("customers"), objects: 250, changed: 250, completed: true },
    { ...emptyProgress("subscriptions"), objects: 400, changed: 12 },
    emptyProgress("invoices"),
    { ...emptyProgress("payment_methods"), objects: 125 },
  ];
  return { phases: [customers, subscriptions, invoices, cards], totals: { payment_methods: 250 } };
}

describe("portico sync progress", () => {
  it("says where each phase stands, with a total where one is known", () => {
    expect(describeProgress(progress())).toBe(
      "customers 250, subscriptions 400/?, invoices 0/?, customers' cards 125/250 · 262 changed",
    );
  });

  it("prints one line per update when stderr is not a terminal", () => {
    let err = "";
    const view = createProgressView({ err: (text) => (err += text), terminal: false });
    view.update(progress());
    view.update(progress());
    view.finish();
    expect(err.split("\n").filter(Boolean)).toHaveLength(2);
    expect(err).toMatch(/^sync: customers 250, /);
  });

  it("redraws one bar on a terminal and clears it at the end", () => {
    let err = "";
    const view = createProgressView({ err: (text) => (err += text), terminal: true });
    view.update(progress());
    // One finished phase of four and half of the card phase: 1.5 / 4 of 24 cells, rounded.
    expect(err).toBe(
      `\r\u001b[K[${"█".repeat(9)}${"░".repeat(15)}] ${describeProgress(progress())}`,
    );
    view.finish();
    expect(err.endsWith("\r\u001b[K")).toBe(true);
    expect(err).not.toContain("\n");
  });

  it("a dry run without drift says so", () => {
    const { phases } = progress();
    const figures = {
      mode: "test",
      dryRun: true,
      seconds: 2,
      requests: 50,
      rateLimit: 25,
    } as const;
    expect(
      renderSyncText(
        { status: "completed", resumed: false, phases: [...phases], changes: [] },
        figures,
      ),
    ).toBe(`Dry run, test mode (nothing written): local state matches Stripe. Checked 250 customers, 400 subscriptions, 0 invoices, 125 customers' cards.
50 Stripe requests in 2.0 s (25.0/s, limit 25/s)
`);
  });
});
