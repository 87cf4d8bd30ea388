import { describe, expect, it } from "vitest";
import { describeChange, diffRows } from "./row-changes.js";

const subscription = (fields: Record<string, unknown>) => ({
  stripe_subscription_id: "sub_1",
  status: "active",
  cancel_at: null,
  pause_collection: { behavior: "void", resumesAt: null },
  synced_at: new Date("2026-01-01T00:00:00Z"),
  ...fields,
});

describe("diffRows", () => {
  it("names only the fields that differ, ignoring when the row was written", () => {
    const before = new Map([["subscription:sub_1", subscription({})]]);
    const after = new Map([
      [
        "subscription:sub_1",
        subscription({
          status: "canceled",
          cancel_at: new Date("2026-02-01T00:00:00Z"),
          // jsonb may reorder keys: the same object is not a change.
          pause_collection: { resumesAt: null, behavior: "void" },
          synced_at: new Date(),
        }),
      ],
    ]);
    const changes = diffRows(before, after);
    expect(changes).toEqual([
      {
        kind: "subscription",
        id: "sub_1",
        change: "differs",
        fields: [
          { field: "status", local: "active", stripe: "canceled" },
          { field: "cancel_at", local: null, stripe: new Date("2026-02-01T00:00:00Z") },
        ],
      },
    ]);
    expect(changes.map(describeChange)).toEqual([
      "sub_1 status: active → canceled, cancel_at: null → 2026-02-01T00:00:00Z",
    ]);
  });

  it("reports rows missing locally and rows Stripe no longer has; equal rows not at all", () => {
    const same = subscription({ stripe_subscription_id: "sub_same" });
    const before = new Map([
      ["subscription:sub_gone", subscription({ stripe_subscription_id: "sub_gone" })],
      ["subscription:sub_same", same],
    ]);
    const after = new Map([
      ["subscription:sub_new", subscription({ stripe_subscription_id: "sub_new" })],
      ["subscription:sub_same", { ...same, synced_at: new Date() }],
    ]);
    expect(diffRows(before, after).map(describeChange).sort()).toEqual([
      "sub_gone not in Stripe (stored locally)",
      "sub_new missing locally",
    ]);
  });
});
