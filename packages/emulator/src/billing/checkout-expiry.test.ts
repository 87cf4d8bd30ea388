import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount } from "../testing.js";
import { latestEventId, listEvents } from "./billing-testing.js";

describe("checkout session expiry", () => {
  it("expires an untouched session after 24 hours with checkout.session.expired", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const price = await createRecurringPrice(stripe);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example.com/done",
    });
    const mark = await latestEventId(stripe);
    await account.request("POST", "/_emulator/clock/advance", `seconds=${25 * 3600}`);
    const events = await listEvents(stripe, mark);
    expect(events.map((event) => event.type)).toEqual(["checkout.session.expired"]);
    expect(events[0]?.created).toBe(session.expires_at);
    const expired = await stripe.checkout.sessions.retrieve(session.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
  });
});
