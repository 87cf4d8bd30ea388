import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payOnHostedCheckout } from "../../test/checkout.js";
import { type EmbeddedHost, startEmbeddedHost } from "../../test/embedded.js";
import { APP_URL } from "../../test/portico.js";
import { PorticoError } from "../index.js";
import type { AuthorizeInput, HostOrganization } from "./host-subjects.js";

type Envelope<T> = { success: boolean; data: T; error: { code: string; message: string } };

/** Free, Starter, and Team billed per seat (2 to 50). */
const PER_SEAT_CONFIG = fileURLToPath(
  new URL("../billing/__fixtures__/per-seat.portico.config.json", import.meta.url),
);

/** The host app's own users and organizations: its ids, never Portico's. */
const OWNER = { id: "u-owner", email: "owner@host.test" };
const VIEWER = { id: "u-viewer", email: "viewer@host.test" };
const B_MEMBER = { id: "u-b", email: "b@host.test" };

const ORGANIZATIONS: Record<string, HostOrganization> = {
  "org-a": { name: "Org A Ltd", email: "Billing@Org-A.test", members: 7 },
  "org-b": { name: "Org B GmbH", email: "billing@org-b.test", members: 3 },
};

/**
 * The host's rules: u-owner does everything on org-a, u-viewer only views it; org-b is
 * u-b's alone. "org-truthy" answers a truthy non-boolean, which must not count as yes.
 */
function hostAuthorize({ user, subject, action }: AuthorizeInput): boolean {
  if (subject.id === "org-a") {
    return user.id === OWNER.id || (user.id === VIEWER.id && action === "view");
  }
  if (subject.id === "org-b") return user.id === B_MEMBER.id;
  if (subject.id === "org-truthy") return "yes" as unknown as boolean;
  return false;
}

const NOT_FOUND = { code: "NOT_FOUND", message: "Organization not found" };

describe("an embedded Portico billing the host's organizations", () => {
  let host: EmbeddedHost;
  const asked: AuthorizeInput[] = [];
  const described: string[] = [];
  const as: Record<string, { authorization: string; cookie: string }> = {};

  beforeAll(async () => {
    host = await startEmbeddedHost({
      billingConfig: PER_SEAT_CONFIG,
      portico: {
        authorize: (input) => {
          asked.push(input);
          return hostAuthorize(input);
        },
        describeOrganization: (id) => {
          described.push(id);
          return ORGANIZATIONS[id];
        },
      },
    });
    for (const user of [OWNER, VIEWER, B_MEMBER]) as[user.id] = host.signIn(user);
  });
  afterAll(() => host?.close());

  const credentials = (user: { id: string }) => {
    const signedIn = as[user.id];
    if (!signedIn) throw new Error(`${user.id} is not signed in`);
    return { authorization: signedIn.authorization };
  };
  const post = (user: { id: string }, path: string, body: unknown) =>
    fetch(`${host.url}/api/billing${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/json", ...credentials(user) },
      body: JSON.stringify(body),
    });
  const get = (user: { id: string }, path: string) =>
    fetch(`${host.url}/api/billing${path}`, { headers: credentials(user) });
  const json = async <T>(response: Response) => (await response.json()) as Envelope<T>;

  /** Every way into an organization's billing, each with the action it needs. */
  const everyRoute = (organizationId: string) => [
    {
      action: "view",
      send: (u: { id: string }) => get(u, `/subscription?organizationId=${organizationId}`),
    },
    {
      action: "view",
      send: (u: { id: string }) => get(u, `/invoices?organizationId=${organizationId}`),
    },
    { action: "view", send: (u: { id: string }) => post(u, "/sync", { organizationId }) },
    {
      action: "manage",
      send: (u: { id: string }) => post(u, "/portal", { returnUrl: APP_URL, organizationId }),
    },
    {
      action: "manage",
      send: (u: { id: string }) => post(u, "/seats", { organizationId, seats: 5 }),
    },
    {
      action: "purchase",
      send: (u: { id: string }) => post(u, "/checkout", { plan: "team", organizationId }),
    },
  ];

  async function expectNotFound(response: Response) {
    expect(response.status).toBe(404);
    expect((await json(response)).error).toMatchObject(NOT_FOUND);
  }

  /** A checkout through the mounted route, paid on the emulator's page, webhooks delivered. */
  async function buy(user: { id: string }, body: Record<string, unknown>) {
    const response = await post(user, "/checkout", body);
    expect(response.status).toBe(200);
    const { data } = await json<{ id: string; url: string }>(response);
    const session = await host.stripe.checkout.sessions.retrieve(data.id, {
      expand: ["line_items"],
    });
    await payOnHostedCheckout(data.url);
    await host.flushWebhooks();
    return session;
  }

  it("creates org-a's customer from describeOrganization and buys a seat per member", async () => {
    const session = await buy(OWNER, { plan: "team", organizationId: "org-a" });

    expect(session.line_items?.data.map((line) => line.quantity)).toEqual([7]);
    expect(described).toEqual(["org-a"]);
    if (typeof session.customer !== "string") throw new Error("no customer on the session");
    const customer = await host.stripe.customers.retrieve(session.customer);
    if (customer.deleted) throw new Error("the customer was deleted");
    expect(customer).toMatchObject({ name: "Org A Ltd", email: "billing@org-a.test" });
    // Portico's own id for the organization: the host's id stays out of Stripe's metadata.
    expect(customer.metadata.portico_organization_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(customer.metadata.portico_user_id).toBeUndefined();

    const view = await json<{ plan: string; seats: number | null; hasCustomer: boolean }>(
      await get(OWNER, "/subscription?organizationId=org-a"),
    );
    expect(view.data).toMatchObject({ plan: "team", seats: 7, hasCustomer: true });
  });

  it("hands authorize the host's own user and organization ids and the request", () => {
    const purchase = asked.find((input) => input.action === "purchase");
    expect(purchase?.user).toEqual(OWNER);
    expect(purchase?.subject).toEqual({ type: "organization", id: "org-a" });
    expect(purchase?.request).toBeInstanceOf(Request);
    expect(new URL(purchase?.request?.url ?? "http://x/").pathname).toBe("/api/billing/checkout");
    // Never Portico's uuids, for the user or the organization.
    for (const input of asked) {
      expect([OWNER.id, VIEWER.id, B_MEMBER.id]).toContain(input.user.id);
      expect(input.subject.id).toBe("org-a");
    }
  });

  it("lets a viewer read org-a's billing and refuses them its portal, checkout and seats", async () => {
    const subscription = await get(VIEWER, "/subscription?organizationId=org-a");
    expect(subscription.status).toBe(200);
    expect((await json(subscription)).data).toMatchObject({ plan: "team", seats: 7 });
    const invoices = await get(VIEWER, "/invoices?organizationId=org-a");
    expect(invoices.status).toBe(200);
    expect((await json<{ invoices: unknown[] }>(invoices)).data.invoices).toHaveLength(1);

    const since = asked.length;
    for (const route of everyRoute("org-a").filter((r) => r.action !== "view")) {
      await expectNotFound(await route.send(VIEWER));
    }
    // Refused by the host's answer for each action, not by a route that failed on its own.
    expect(asked.slice(since).map((input) => [input.user.id, input.action])).toEqual([
      [VIEWER.id, "manage"],
      [VIEWER.id, "manage"],
      [VIEWER.id, "purchase"],
    ]);
    // The owner, through the same routes, may.
    const portal = await post(OWNER, "/portal", { returnUrl: APP_URL, organizationId: "org-a" });
    expect(portal.status).toBe(200);
    const seats = await post(OWNER, "/seats", { organizationId: "org-a", seats: 8 });
    expect(seats.status).toBe(200);
    expect((await json(seats)).data).toMatchObject({ seats: 8 });
  });

  it("opens org-a's portal from the no-JS form, whose hidden field names the organization", async () => {
    const form = (user: { id: string }) =>
      fetch(`${host.url}/api/billing/portal`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: as[user.id]?.cookie ?? "",
          origin: APP_URL,
        },
        body: new URLSearchParams({ returnUrl: APP_URL, organizationId: "org-a" }),
      });
    const owner = await form(OWNER);
    expect(owner.status).toBe(303);
    expect(owner.headers.get("location")).toContain("/p/session/");
    expect((await form(VIEWER)).status).toBe(404);
  });

  it("keeps org-b from u-owner on every route, exactly as an organization that does not exist", async () => {
    await buy(B_MEMBER, { plan: "starter", organizationId: "org-b" });
    expect(described).toEqual(["org-a", "org-b"]);
    // org-b has billing to find: u-b sees it.
    const mine = await get(B_MEMBER, "/subscription?organizationId=org-b");
    expect((await json(mine)).data).toMatchObject({ plan: "starter", hasCustomer: true });

    for (const route of everyRoute("org-b")) {
      const refused = await route.send(OWNER);
      const missing = await everyRoute("org-nowhere")
        .find((candidate) => candidate.action === route.action)
        ?.send(OWNER);
      expect(refused.status).toBe(404);
      expect(missing?.status).toBe(404);
      expect((await json(refused)).error).toEqual({
        ...(await json(missing as Response)).error,
        requestId: expect.any(String),
      });
    }
    // Only the checkout for u-b asked for org-b's details: refusals never describe it.
    expect(described).toEqual(["org-a", "org-b"]);
  });

  it("takes only true as yes", async () => {
    await expectNotFound(await get(OWNER, "/subscription?organizationId=org-truthy"));
  });

  it("leaves the user's own billing alone, without asking authorize", async () => {
    const since = asked.length;
    const own = await get(OWNER, "/subscription");
    expect(own.status).toBe(200);
    // org-a's Team subscription is not the owner's.
    expect((await json(own)).data).toMatchObject({
      plan: "free",
      seats: null,
      hasCustomer: false,
    });

    const session = await buy(OWNER, { plan: "starter" });
    if (typeof session.customer !== "string") throw new Error("no customer on the session");
    const customer = await host.stripe.customers.retrieve(session.customer);
    if (customer.deleted) throw new Error("the customer was deleted");
    expect(customer.metadata.portico_user_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(customer.metadata.portico_organization_id).toBeUndefined();
    expect((await json(await get(OWNER, "/subscription"))).data).toMatchObject({
      plan: "starter",
    });
    expect((await json(await get(OWNER, "/subscription?organizationId=org-a"))).data).toMatchObject(
      { plan: "team", seats: 8 },
    );
    expect(asked.length).toBe(since + 1);
  });

  it("asks authorize for portico.api calls too, with no request, and throws NOT_FOUND on a no", async () => {
    const since = asked.length;
    const refused = host.portico.api.createCheckout({
      userId: VIEWER.id,
      organizationId: "org-a",
      plan: "team",
    });
    await expect(refused).rejects.toBeInstanceOf(PorticoError);
    await expect(refused).rejects.toMatchObject({ ...NOT_FOUND, status: 404 });
    expect(asked.slice(since)).toEqual([
      {
        user: { id: VIEWER.id, email: undefined },
        subject: { type: "organization", id: "org-a" },
        action: "purchase",
        request: undefined,
      },
    ]);

    // A yes reaches the billing core: org-a already pays, and is seen.
    await expect(
      host.portico.api.createCheckout({
        userId: OWNER.id,
        organizationId: "org-a",
        plan: "team",
      }),
    ).rejects.toMatchObject({ code: "ALREADY_SUBSCRIBED" });
    expect(
      await host.portico.api.getSubscription({ userId: VIEWER.id, organizationId: "org-a" }),
    ).toMatchObject({ plan: "team", seats: 8 });
    await expect(
      host.portico.api.setSeats({ userId: VIEWER.id, organizationId: "org-a", seats: 9 }),
    ).rejects.toMatchObject(NOT_FOUND);
    expect(
      await host.portico.api.setSeats({ userId: OWNER.id, organizationId: "org-a", seats: 9 }),
    ).toMatchObject({ seats: 9 });
    expect(asked.slice(since).every((input) => input.request === undefined)).toBe(true);
  });
});

describe("an embedded Portico without authorize", () => {
  let host: EmbeddedHost;
  let credentials: { authorization: string };
  beforeAll(async () => {
    host = await startEmbeddedHost({ billingConfig: PER_SEAT_CONFIG });
    credentials = { authorization: host.signIn(OWNER).authorization };
  });
  afterAll(() => host?.close());

  it("answers 404 for any organizationId, and serves the user's own billing", async () => {
    const headers = { ...credentials, "content-type": "application/json" };
    const responses = [
      await fetch(`${host.url}/api/billing/subscription?organizationId=org-a`, { headers }),
      await fetch(`${host.url}/api/billing/invoices?organizationId=org-a`, { headers }),
      ...(await Promise.all(
        [
          ["/portal", { returnUrl: APP_URL, organizationId: "org-a" }],
          ["/checkout", { plan: "team", organizationId: "org-a" }],
          ["/seats", { organizationId: "org-a", seats: 3 }],
          ["/sync", { organizationId: "org-a" }],
        ].map(([path, body]) =>
          fetch(`${host.url}/api/billing${path}`, {
            method: "POST",
            headers,
            body: JSON.stringify(body),
          }),
        ),
      )),
    ];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(((await response.json()) as Envelope<never>).error).toMatchObject(NOT_FOUND);
    }
    await expect(
      host.portico.api.getSubscription({ userId: OWNER.id, organizationId: "org-a" }),
    ).rejects.toMatchObject(NOT_FOUND);

    const own = await fetch(`${host.url}/api/billing/subscription`, { headers });
    expect(own.status).toBe(200);
    expect(((await own.json()) as Envelope<unknown>).data).toMatchObject({ plan: "free" });
  });
});
