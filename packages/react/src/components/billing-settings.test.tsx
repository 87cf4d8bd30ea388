// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SubscriptionData } from "../client/api-types.js";
import { PorticoProvider } from "../provider.js";
import { FREE, fakeBillingApi, makeSubscription, never, PLANS } from "../test/fake-billing-api.js";
import { renderWithPortico } from "../test/render-with-portico.js";
import { BillingSettings } from "./billing-settings.js";

beforeEach(() => window.history.replaceState(null, "", "/settings/billing"));
afterEach(cleanup);

const longDate = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: "long" }).format(new Date(iso));

function renderSettings(subscription: SubscriptionData) {
  const fetch = fakeBillingApi({
    "GET /subscription": { data: subscription },
    "GET /plans": { data: { plans: PLANS } },
  });
  const view = renderWithPortico(<BillingSettings />, fetch);
  return { ...view, section: () => view.container.querySelector("section") as HTMLElement };
}

const ready = async () =>
  (await screen.findByText("Current plan")).closest("section") as HTMLElement;

describe("BillingSettings", () => {
  it("says it is loading until the subscription arrives", () => {
    renderWithPortico(<BillingSettings />, fakeBillingApi({ "GET /subscription": never }));
    expect(screen.getByRole("status").textContent).toBe("Loading billing…");
  });

  it("shows the plan, its status and the renewal date in the user's locale", async () => {
    renderSettings(makeSubscription());
    const section = await ready();
    expect(section.dataset.status).toBe("active");
    expect(section.querySelector(".portico-plan-name")?.textContent).toBe("Pro");
    expect(section.querySelector(".portico-status")?.textContent).toBe("Active");
    expect(screen.getByText(`Renews on ${longDate("2026-12-05T12:00:00.000Z")}`)).toBeTruthy();
    expect(screen.getByText("Visa ending in 4242")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Manage billing" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Upgrade" })).toBeNull();
  });

  it("shows when a trial ends", async () => {
    renderSettings(makeSubscription({ status: "trialing", trialEnd: "2026-11-20T00:00:00.000Z" }));
    await ready();
    expect(screen.getByText(`Trial ends ${longDate("2026-11-20T00:00:00.000Z")}`)).toBeTruthy();
  });

  it("shows when a subscription canceled at period end stops", async () => {
    renderSettings(makeSubscription({ cancelAtPeriodEnd: true }));
    await ready();
    expect(screen.getByText(`Cancels on ${longDate("2026-12-05T12:00:00.000Z")}`)).toBeTruthy();
  });

  it("warns on past due and keeps Manage billing", async () => {
    renderSettings(makeSubscription({ status: "past_due" }));
    const section = await ready();
    expect(section.dataset.status).toBe("past_due");
    expect(section.querySelector(".portico-status")?.textContent).toBe("Past due");
    expect(screen.getByText(/Your last payment failed/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Manage billing" })).toBeTruthy();
  });

  it("offers Upgrade to the first paid plan on the free plan, with no customer", async () => {
    renderSettings(FREE);
    const section = await ready();
    expect(section.dataset.status).toBe("none");
    expect(section.querySelector(".portico-plan-name")?.textContent).toBe("Free");
    expect(section.querySelector(".portico-renewal")).toBeNull();
    expect(screen.queryByRole("button", { name: "Manage billing" })).toBeNull();
    expect(screen.getByRole("button", { name: "Upgrade" })).toBeTruthy();
  });

  it("keeps Manage billing for a customer without a subscription (old invoices, cards)", async () => {
    renderSettings({ ...FREE, hasCustomer: true });
    await ready();
    expect(screen.getByRole("button", { name: "Manage billing" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Upgrade" })).toBeTruthy();
  });

  it("says the load failed and retries", async () => {
    let fail = true;
    const fetch = fakeBillingApi({
      "GET /subscription": () =>
        fail
          ? { status: 503, error: { code: "SERVICE_UNAVAILABLE", message: "Down" } }
          : { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
    });
    renderWithPortico(<BillingSettings />, fetch);
    expect((await screen.findByRole("alert")).textContent).toBe("Billing could not be loaded.");
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await ready();
  });

  it("shows the seats of a per-seat subscription, and none for another plan", async () => {
    const { unmount } = renderSettings(makeSubscription({ seats: 12 }));
    const section = await ready();
    expect(section.querySelector(".portico-seats")?.textContent).toBe("12 seats");
    unmount();
    renderSettings(makeSubscription({ seats: 1 }));
    expect((await ready()).querySelector(".portico-seats")?.textContent).toBe("1 seat");
    cleanup();
    renderSettings(makeSubscription());
    expect((await ready()).querySelector(".portico-seats")).toBeNull();
  });

  it("shows the organization it is given, next to the user's, and its buttons act for it", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": (organizationId) =>
        organizationId === "org_a"
          ? { data: makeSubscription({ seats: 4 }) }
          : { data: { ...FREE, hasCustomer: true } },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { container } = renderWithPortico(
      <>
        <BillingSettings className="user" />
        <BillingSettings className="org" organizationId="org_a" />
      </>,
      fetch,
    );
    await waitFor(() => expect(screen.getAllByText("Current plan")).toHaveLength(2));
    const user = container.querySelector(".user") as HTMLElement;
    const org = container.querySelector(".org") as HTMLElement;
    expect(user.querySelector(".portico-plan-name")?.textContent).toBe("Free");
    expect(user.querySelector(".portico-seats")).toBeNull();
    expect(org.querySelector(".portico-plan-name")?.textContent).toBe("Pro");
    expect(org.querySelector(".portico-seats")?.textContent).toBe("4 seats");
    const hidden = (section: HTMLElement) =>
      section.querySelector<HTMLInputElement>('input[name="organizationId"]')?.value;
    expect([hidden(user), hidden(org)]).toEqual([undefined, "org_a"]);
  });

  it("says what happened after a return for its organization, and only there", async () => {
    window.history.replaceState(
      null,
      "",
      "/settings/billing?portico=checkout-success&portico_org=org_a",
    );
    const fetch = fakeBillingApi({
      "POST /sync": (organizationId) =>
        organizationId === "org_a" ? { data: makeSubscription() } : never(),
      "GET /subscription": { data: FREE },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { container } = render(
      <>
        <PorticoProvider fetch={fetch}>
          <BillingSettings className="user" />
        </PorticoProvider>
        <PorticoProvider fetch={fetch} organizationId="org_a">
          <BillingSettings className="org" />
        </PorticoProvider>
      </>,
    );
    await waitFor(() =>
      expect(container.querySelector(".org .portico-notice")?.textContent).toBe(
        "Your subscription is active",
      ),
    );
    expect(container.querySelector(".user .portico-notice")).toBeNull();
    expect(window.location.search).toBe("");
    const synced = fetch.mock.calls.filter(([url]) => String(url).endsWith("/sync"));
    expect(synced.map(([, init]) => init?.body)).toEqual(['{"organizationId":"org_a"}']);
  });

  it("says what happened after a return from Checkout", async () => {
    window.history.replaceState(null, "", "/settings/billing?portico=checkout-success");
    const fetch = fakeBillingApi({
      "POST /sync": { data: makeSubscription() },
      "GET /subscription": { data: FREE },
      "GET /plans": { data: { plans: PLANS } },
    });
    renderWithPortico(<BillingSettings />, fetch);
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toBe("Your subscription is active"),
    );
  });

  it("takes every text from messages", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription({ status: "trialing", trialEnd: null }) },
      "GET /plans": { data: { plans: PLANS } },
    });
    renderWithPortico(
      <BillingSettings
        messages={{
          currentPlan: "Forfait",
          renewsOn: (date) => `Renouvelé le ${date}`,
          statuses: { trialing: "Essai" },
          manageBilling: "Gérer",
        }}
      />,
      fetch,
    );
    const section = (await screen.findByText("Forfait")).closest("section") as HTMLElement;
    expect(section.querySelector(".portico-status")?.textContent).toBe("Essai");
    expect(screen.getByText(/^Renouvelé le /)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Gérer" })).toBeTruthy();
  });
});
