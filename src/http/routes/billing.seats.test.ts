import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCatalog,
  getJson,
  payOnHostedCheckout,
  settleSetupCheck,
} from "../../../test/checkout.js";
import { addMember, PER_SEAT_BILLING_CONFIG, startTeam } from "../../../test/organizations.js";
import { changeQuantityInPortal } from "../../../test/portal-page.js";
import { APP_URL, postJson, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { createPlanCatalog } from "../../billing/plans.js";
import { createSeatService } from "../../billing/seat-changes.js";
import type { SubscriptionView } from "../../billing/subscription-view.js";
import { billingSubscriptions } from "../../db/schema.js";

describe("per-seat plans for an organization", () => {
  let t: SyncedPortico;
  let team: Awaited<ReturnType<typeof startTeam<"admin" | "member">>>;
  let subscription: Stripe.Subscription;

  const view = async () => {
    const answer = await getJson(
      t,
      `/api/billing/subscription?organizationId=${team.id}`,
      team.owner.token,
    );
    expect(answer.status).toBe(200);
    return (await answer.json()).data as { plan: string; seats: number | null };
  };
  /** Stripe's seats, Portico's copy and the API's answer, which must agree. */
  const seatsEverywhere = async () => {
    const stripe = await t.stripe.test.subscriptions.retrieve(subscription.id);
    const [row] = await t.portico.database.db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
    return {
      stripe: stripe.items.data[0]?.quantity,
      mirror: row?.quantity,
      api: (await view()).seats,
    };
  };

  beforeAll(async () => {
    t = await startSyncedPortico({ env: { PORTICO_CONFIG: PER_SEAT_BILLING_CONFIG } });
    await applyCatalog(t);
    await settleSetupCheck(t);
    team = await startTeam(t, ["admin", "member"], "Seats Inc");
  });
  afterAll(() => t.close());

  it("checks out at the organization's member count", async () => {
    const answer = await postJson(
      t,
      "/api/billing/checkout",
      { plan: "team", organizationId: team.id },
      team.owner.token,
    );
    expect(answer.status).toBe(200);
    const { data } = (await answer.json()) as { data: { id: string; url: string } };
    const items = await t.stripe.test.checkout.sessions.listLineItems(data.id);
    expect(items.data.map((item) => item.quantity)).toEqual([3]);
    await payOnHostedCheckout(data.url);
    await t.flush();

    [subscription] = (await t.stripe.test.subscriptions.list({ limit: 100 })).data.filter(
      (candidate) => candidate.metadata.portico_organization_id === team.id,
    ) as [Stripe.Subscription];
    expect(await view()).toMatchObject({ plan: "team", seats: 3 });
    expect(await seatsEverywhere()).toEqual({ stripe: 3, mirror: 3, api: 3 });
    const [row] = await t.portico.database.db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({ organizationId: team.id, userId: null });
  });

  it("changes seats through the API, prorated, within the plan's bounds", async () => {
    const answer = await postJson(
      t,
      "/api/billing/seats",
      { organizationId: team.id, seats: 5 },
      team.owner.token,
    );
    expect(answer.status).toBe(200);
    expect((await answer.json()).data).toMatchObject({ plan: "team", seats: 5 });
    await t.flush();
    expect(await seatsEverywhere()).toEqual({ stripe: 5, mirror: 5, api: 5 });
    const pending = await t.stripe.test.invoiceItems.list({
      customer: subscription.customer as string,
    });
    expect(pending.data.some((item) => item.proration)).toBe(true);

    for (const seats of [1, 51]) {
      const refused = await postJson(
        t,
        "/api/billing/seats",
        { organizationId: team.id, seats },
        team.owner.token,
      );
      expect(refused.status).toBe(422);
      expect((await refused.json()).error.message).toBe(
        'seats must be from 2 to 50 for plan "team"',
      );
    }
    expect(await seatsEverywhere()).toEqual({ stripe: 5, mirror: 5, api: 5 });
  });

  it("follows a seat change made in the portal, through webhooks", async () => {
    const portal = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: `${APP_URL}/settings/billing`, organizationId: team.id },
      team.owner.token,
    );
    expect(portal.status).toBe(200);
    const { url } = ((await portal.json()) as { data: { url: string } }).data;
    await changeQuantityInPortal(url, {
      subscriptionId: subscription.id,
      priceId: subscription.items.data[0]?.price.id ?? "",
      quantity: 7,
    });
    await t.flush();
    expect(await seatsEverywhere()).toEqual({ stripe: 7, mirror: 7, api: 7 });
  });

  it("moves the seats to the member count when membership changes", async () => {
    const newcomer = await signUp(t);
    await addMember(t, team.owner, team.id, newcomer, "member");
    await t.flush();
    expect(await seatsEverywhere()).toEqual({ stripe: 4, mirror: 4, api: 4 });

    const [, member] = team.members;
    const removed = await fetch(
      `${t.url}/api/organizations/${team.id}/members/${member?.member.user.id}`,
      { method: "DELETE", headers: { authorization: `Bearer ${team.owner.token}` } },
    );
    expect(removed.status).toBe(200);
    await t.flush();
    expect(await seatsEverywhere()).toEqual({ stripe: 3, mirror: 3, api: 3 });
  });

  it("refuses seats for a plan that is not per-seat, and defaults a user's to the minimum", async () => {
    const refused = await postJson(
      t,
      "/api/billing/checkout",
      { plan: "starter", seats: 3, organizationId: team.id },
      team.owner.token,
    );
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.message).toBe('plan "starter" is not per-seat');

    const solo = await signUp(t);
    const answer = await postJson(t, "/api/billing/checkout", { plan: "team" }, solo.token);
    const { data } = (await answer.json()) as { data: { id: string } };
    const items = await t.stripe.test.checkout.sessions.listLineItems(data.id);
    expect(items.data.map((item) => item.quantity)).toEqual([2]);
  });

  it("answers 409 for seats without a per-seat subscription", async () => {
    const other = await startTeam(t, [], "No Plan Ltd");
    const answer = await postJson(
      t,
      "/api/billing/seats",
      { organizationId: other.id, seats: 3 },
      other.owner.token,
    );
    expect(answer.status).toBe(409);
    expect((await answer.json()).error.message).toBe("There is no per-seat subscription to change");
  });

  it("knows the plan by its price's lookup key, before the mirror or the setup check does", async () => {
    const db = t.portico.database.db;
    // As on a server started before `portico stripe apply`, whose webhook has not landed yet.
    await db
      .delete(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
    const seats = createSeatService({
      db,
      stripe: t.portico.stripe,
      plans: createPlanCatalog(t.portico.billingConfig),
      runner: t.portico.sync,
      subscriptions: { getSubscription: async () => ({}) as SubscriptionView },
      config: t.config,
      prorationBehavior: "none",
    });
    await seats.setSeats({ type: "organization", id: team.id }, 6, "test");
    const after = await t.stripe.test.subscriptions.retrieve(subscription.id);
    expect(after.items.data[0]?.quantity).toBe(6);
  });

  it("answers 409, not 500, when the subscription ended before its seats were set", async () => {
    await t.stripe.test.subscriptions.cancel(subscription.id);
    const change = t.portico.stripe.setItemQuantity("test", {
      subscriptionId: subscription.id,
      itemId: subscription.items.data[0]?.id ?? "",
      quantity: 3,
      prorationBehavior: "none",
    });
    await expect(change).rejects.toMatchObject({
      code: "CONFLICT",
      message: "The subscription changed while its seats were being set; reload and try again",
    });
  });
});
