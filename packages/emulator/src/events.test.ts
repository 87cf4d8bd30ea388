import { describe, expect, it } from "vitest";
import { emitEvent, MAX_EVENTS_PER_ACCOUNT } from "./events.js";
import { createStore } from "./store.js";

describe("event retention", () => {
  it("keeps the newest MAX_EVENTS_PER_ACCOUNT events of an account", () => {
    const account = createStore().getAccount("acct_events", false);
    const first = emitEvent(account, "customer.created", { id: "cus_0" });
    for (let i = 1; i <= MAX_EVENTS_PER_ACCOUNT; i++) {
      emitEvent(account, "customer.created", { id: `cus_${i}` });
    }
    expect(account.collections.event.size).toBe(MAX_EVENTS_PER_ACCOUNT);
    expect(account.collections.event.has(first.id)).toBe(false);
  });
});
