import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCatalog,
  getJson,
  payOnHostedCheckout,
  settleSetupCheck,
} from "../../../test/checkout.js";
import { type Member, PER_SEAT_BILLING_CONFIG, startTeam } from "../../../test/organizations.js";
import { APP_URL, postJson, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { billingCustomers } from "../../db/schema.js";

const returnUrl = `${APP_URL}/settings/billing`;

describe("team billing: who may act on an organization", () => {
  let t: SyncedPortico;
  let a: Awaited<ReturnType<typeof startTeam<"billing" | "member">>>;
  let b: Awaited<ReturnType<typeof startTeam<never>>>;
  let billing: Member;
  let member: Member;

  async function subscribeTeam(buyer: Member, organizationId: string) {
    const answer = await postJson(
      t,
      "/api/billing/checkout",
      { plan: "team", organizationId },
      buyer.token,
    );
    expect(answer.status).toBe(200);
    const { data } = (await answer.json()) as { data: { url: string } };
    await payOnHostedCheckout(data.url);
    await t.flush();
  }

  beforeAll(async () => {
    t = await startSyncedPortico({
      // Twenty admins buy at once below; the per-organization limit has its own tests.
      env: { PORTICO_CONFIG: PER_SEAT_BILLING_CONFIG, RATE_LIMIT_CHECKOUT: "1000/60s" },
    });
    await applyCatalog(t);
    await settleSetupCheck(t);
    a = await startTeam(t, ["billing", "member"], "Org A");
    b = await startTeam(t, [], "Org B");
    [billing, member] = a.members.map((entry) => entry.member) as [Member, Member];
    // The billing member buys for A; B's owner for B.
    await subscribeTeam(billing, a.id);
    await subscribeTeam(b.owner, b.id);
  });
  afterAll(() => t.close());

  it("lets a member view the organization's billing, and nothing more", async () => {
    const view = await getJson(t, `/api/billing/subscription?organizationId=${a.id}`, member.token);
    expect(view.status).toBe(200);
    expect((await view.json()).data).toMatchObject({ plan: "team", seats: 3, status: "active" });
    const invoices = await getJson(t, `/api/billing/invoices?organizationId=${a.id}`, member.token);
    expect(invoices.status).toBe(200);
    expect((await invoices.json()).data.invoices.length).toBeGreaterThan(0);

    for (const [path, body] of [
      ["/api/billing/portal", { returnUrl, organizationId: a.id }],
      ["/api/billing/checkout", { plan: "starter", organizationId: a.id }],
      ["/api/billing/seats", { seats: 4, organizationId: a.id }],
    ] as const) {
      const refused = await postJson(t, path, body, member.token);
      expect(refused.status, path).toBe(404);
      expect((await refused.json()).error).toMatchObject({
        code: "NOT_FOUND",
        message: "Organization not found",
      });
    }
    // Their own billing is theirs: the free plan, not the organization's.
    const own = await getJson(t, "/api/billing/subscription", member.token);
    expect((await own.json()).data).toMatchObject({ plan: "free", hasCustomer: false });
  });

  it("lets the billing role view, open the portal and check out", async () => {
    const view = await getJson(
      t,
      `/api/billing/subscription?organizationId=${a.id}`,
      billing.token,
    );
    expect(view.status).toBe(200);
    const portal = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl, organizationId: a.id },
      billing.token,
    );
    expect(portal.status).toBe(200);
    const { data } = (await portal.json()) as { data: { url: string } };
    const [link] = await t.portico.database.db
      .select()
      .from(billingCustomers)
      .where(and(eq(billingCustomers.organizationId, a.id), isNull(billingCustomers.deletedAt)));
    // The portal is the organization's customer's, not the billing member's.
    expect(link?.userId).toBeNull();
    const html = await (await fetch(data.url)).text();
    expect(html).toContain("Team");
  });

  it("answers 404 to a user of A for everything of B, like an organization that does not exist", async () => {
    const [bSubscription] = (await t.stripe.test.subscriptions.list({ limit: 100 })).data.filter(
      (subscription) => subscription.metadata.portico_organization_id === b.id,
    );
    expect(bSubscription).toBeDefined();
    const subscription = bSubscription?.id ?? "";
    const missing = "00000000-0000-4000-8000-000000000000";
    const attempts = (organizationId: string) =>
      [
        () =>
          getJson(t, `/api/billing/subscription?organizationId=${organizationId}`, a.owner.token),
        () => getJson(t, `/api/billing/invoices?organizationId=${organizationId}`, a.owner.token),
        () => postJson(t, "/api/billing/sync", { organizationId }, a.owner.token),
        () => postJson(t, "/api/billing/portal", { returnUrl, organizationId }, a.owner.token),
        () => postJson(t, "/api/billing/checkout", { plan: "team", organizationId }, a.owner.token),
        () => postJson(t, "/api/billing/seats", { seats: 3, organizationId }, a.owner.token),
      ] as const;
    for (const organizationId of [b.id, missing, "not-a-uuid"]) {
      for (const attempt of attempts(organizationId)) {
        const answer = await attempt();
        expect(answer.status, organizationId).toBe(404);
        expect((await answer.json()).error).toMatchObject({
          code: "NOT_FOUND",
          message: "Organization not found",
        });
      }
    }
    // A's own portal naming B's subscription in a flow: B's subscription is not A's.
    const flow = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl, organizationId: a.id, flow: { type: "subscription_cancel", subscription } },
      a.owner.token,
    );
    expect(flow.status).toBe(404);
    expect((await flow.json()).error.message).toBe("Subscription not found");
    // And B's subscription is untouched.
    const after = await t.stripe.test.subscriptions.retrieve(subscription);
    expect(after.cancel_at_period_end).toBe(false);
  });

  it("creates one customer for 20 concurrent first checkouts by different admins", async () => {
    const team = await startTeam(
      t,
      Array.from({ length: 19 }, () => "admin" as const),
      "Org C",
    );
    const buyers = [team.owner, ...team.members.map((entry) => entry.member)];
    const answers = await Promise.all(
      buyers.map((buyer) =>
        postJson(
          t,
          "/api/billing/checkout",
          { plan: "team", organizationId: team.id },
          buyer.token,
        ),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(buyers.map(() => 200));
    const customers = (await t.stripe.test.customers.list({ limit: 100 })).data.filter(
      (customer) => customer.metadata.portico_organization_id === team.id,
    );
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ name: "Org C", email: team.owner.email });
    const links = await t.portico.database.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.organizationId, team.id));
    expect(links.map((link) => link.stripeCustomerId)).toEqual([customers[0]?.id]);
  });

  it("keeps a user's own billing apart from their organization's", async () => {
    const solo = await signUp(t);
    const own = await postJson(t, "/api/billing/checkout", { plan: "starter" }, solo.token);
    expect(own.status).toBe(200);
    const links = await t.portico.database.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, solo.user.id));
    expect(links).toHaveLength(1);
    expect(links[0]?.organizationId).toBeNull();
  });
});
