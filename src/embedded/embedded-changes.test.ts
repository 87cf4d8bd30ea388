import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payOnHostedCheckout } from "../../test/checkout.js";
import { type EmbeddedHost, startEmbeddedHost } from "../../test/embedded.js";
import type { HostBillingChange } from "../index.js";

/**
 * `onChange`: the host app is told when a user's billing changed, in its own ids, with the
 * view `GET /subscription` answers, after the change is stored; never for a repeat.
 */
describe("onChange in an embedded Portico", () => {
  let host: EmbeddedHost;
  const told: HostBillingChange[] = [];
  beforeAll(async () => {
    host = await startEmbeddedHost({
      portico: {
        onChange: async (change) => {
          told.push(change);
          // A failing listener is logged; it never fails the webhook or sync.
          if (change.subscription.cancelAtPeriodEnd) throw new Error("the host app is down");
        },
      },
    });
  });
  afterAll(() => host.close());

  /** Resolves once a change for the user matches, or fails after the deadline. */
  async function changeFor(userId: string, matches: (change: HostBillingChange) => boolean) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = told.find((change) => change.subject.id === userId && matches(change));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no change for ${userId}: ${JSON.stringify(told)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("tells the host's own user id and the new plan after checkout, then a cancellation", async () => {
    const user = { id: `host-user-${randomUUID()}`, email: `${randomUUID()}@example.com` };
    const { authorization } = host.signIn(user);
    const response = await fetch(`${host.url}/api/billing/checkout`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ plan: "pro" }),
    });
    const { data } = (await response.json()) as { data: { url: string } };
    await payOnHostedCheckout(data.url);
    await host.flushWebhooks();

    const subscribed = await changeFor(user.id, (change) => change.subscription.plan === "pro");
    expect(subscribed).toMatchObject({
      subject: { type: "user", id: user.id },
      mode: "test",
      subscription: { plan: "pro", status: "trialing", hasCustomer: true },
    });
    // Once every change is told, the last one told is the view `GET /subscription` answers.
    const view = async () => {
      const response = await fetch(`${host.url}/api/billing/subscription`, {
        headers: { authorization },
      });
      return ((await response.json()) as { data: unknown }).data;
    };
    const lastTold = () => told.filter((change) => change.subject.id === user.id).at(-1);
    await expect
      .poll(async () => isDeepStrictEqual(lastTold()?.subscription, await view()), {
        timeout: 10_000,
      })
      .toBe(true);

    // A repeat of the same state is not told again.
    const before = told.length;
    await host.portico.api.syncSubscription({ userId: user.id });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(told.slice(before).filter((change) => change.subject.id === user.id)).toEqual([]);
    expect(lastTold()?.subscription).toEqual(await view());
    // Told in order: each change's version above the one before.
    const versions = told.filter((c) => c.subject.id === user.id).map((c) => c.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);

    const [subscription] = (await host.stripe.subscriptions.list({ limit: 1 })).data;
    await host.stripe.subscriptions.update(subscription?.id ?? "", { cancel_at_period_end: true });
    await host.flushWebhooks();
    const cancelled = await changeFor(user.id, (change) => change.subscription.cancelAtPeriodEnd);
    expect(cancelled.version).toBeGreaterThan(Math.max(...versions));
    // The listener threw for that one; the event was still applied.
    const after = await fetch(`${host.url}/api/billing/subscription`, {
      headers: { authorization },
    });
    expect(((await after.json()) as { data: { cancelAtPeriodEnd: boolean } }).data).toMatchObject({
      cancelAtPeriodEnd: true,
    });
  });
});
