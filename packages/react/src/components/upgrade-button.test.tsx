// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FREE, fakeBillingApi, makeSubscription, never, PLANS } from "../test/fake-billing-api.js";
import { renderWithPortico } from "../test/render-with-portico.js";
import { stubNavigation } from "../test/stub-navigation.js";
import { UpgradeButton } from "./upgrade-button.js";

const assign = stubNavigation();

/** The bodies the button posted to `path`, parsed. */
const posted = (fetch: { mock: { calls: unknown[][] } }, path: string) =>
  fetch.mock.calls
    .filter(([url]) => String(url).endsWith(path))
    .map(([, init]) => JSON.parse(String((init as RequestInit).body)));

describe("UpgradeButton", () => {
  it("starts Checkout with marked return URLs and leaves for it", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: FREE },
      "GET /plans": { data: { plans: PLANS } },
      "POST /checkout": { data: { id: "cs_1", url: "https://checkout.test/cs_1" } },
    });
    renderWithPortico(<UpgradeButton plan="pro" interval="annual" />, fetch);
    fireEvent.click(screen.getByRole("button", { name: "Upgrade" }));
    await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://checkout.test/cs_1"));
    const page = `${window.location.origin}/settings/billing`;
    expect(posted(fetch, "/checkout")).toEqual([
      {
        plan: "pro",
        interval: "annual",
        successUrl: `${page}?portico=checkout-success`,
        cancelUrl: `${page}?portico=checkout-canceled`,
      },
    ]);
  });

  it("sends the user back to returnTo, marked, from another page", async () => {
    window.history.replaceState(null, "", "/pricing?ref=ad");
    try {
      const fetch = fakeBillingApi({
        "GET /subscription": { data: FREE },
        "POST /checkout": { data: { id: "cs_1", url: "https://checkout.test/cs_1" } },
      });
      renderWithPortico(<UpgradeButton plan="pro" returnTo="/settings/billing" />, fetch);
      fireEvent.click(screen.getByRole("button", { name: "Upgrade" }));
      await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://checkout.test/cs_1"));
      const page = `${window.location.origin}/settings/billing`;
      expect(posted(fetch, "/checkout")).toEqual([
        {
          plan: "pro",
          successUrl: `${page}?portico=checkout-success`,
          cancelUrl: `${page}?portico=checkout-canceled`,
        },
      ]);
    } finally {
      window.history.replaceState(null, "", "/settings/billing");
    }
  });

  it("opens the portal's plan change for a user who already pays", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
      "POST /portal": { data: { url: "https://portal.test/bps_1" } },
    });
    renderWithPortico(<UpgradeButton plan="pro" interval="annual" />, fetch);
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByRole("button", { name: "Upgrade" }));
    await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://portal.test/bps_1"));
    expect(posted(fetch, "/checkout")).toEqual([]);
    expect(posted(fetch, "/portal")).toEqual([
      {
        returnUrl: `${window.location.origin}/settings/billing?portico=portal`,
        flow: { type: "subscription_update" },
      },
    ]);
  });

  it("starts Checkout for the organization with its seats, marked for that organization", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": (organizationId) =>
        organizationId === "org_a" ? { data: FREE } : { data: makeSubscription() },
      "POST /checkout": { data: { id: "cs_2", url: "https://checkout.test/cs_2" } },
    });
    renderWithPortico(<UpgradeButton plan="team" seats={5} />, fetch, { organizationId: "org_a" });
    // The user pays, the organization does not: Checkout, not the portal.
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByRole("button", { name: "Upgrade" }));
    await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://checkout.test/cs_2"));
    const page = `${window.location.origin}/settings/billing`;
    expect(posted(fetch, "/checkout")).toEqual([
      {
        organizationId: "org_a",
        plan: "team",
        seats: 5,
        successUrl: `${page}?portico=checkout-success&portico_org=org_a`,
        cancelUrl: `${page}?portico=checkout-canceled&portico_org=org_a`,
      },
    ]);
  });

  it("says Portico's refusal for an organization the member may not buy for", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: FREE },
      "POST /checkout": {
        status: 404,
        error: { code: "NOT_FOUND", message: "Organization not found" },
      },
    });
    renderWithPortico(<UpgradeButton plan="pro" organizationId="org_x" />, fetch);
    fireEvent.click(screen.getByRole("button", { name: "Upgrade" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Organization not found");
    expect(posted(fetch, "/checkout")[0]).toMatchObject({ organizationId: "org_x" });
    expect(assign()).not.toHaveBeenCalled();
  });

  it("is busy once on a double click, and on error alerts with focus and re-enables", async () => {
    let answer: "pending" | "error" = "pending";
    const fetch = fakeBillingApi({
      "POST /checkout": () =>
        answer === "pending"
          ? never()
          : { status: 422, error: { code: "VALIDATION_ERROR", message: "Unknown plan" } },
    });
    const { unmount } = renderWithPortico(<UpgradeButton plan="pro" />, fetch);
    const button = screen.getByRole("button");
    fireEvent.click(button);
    fireEvent.click(button);
    expect(button.getAttribute("aria-busy")).toBe("true");
    expect(button.textContent).toBe("Opening checkout…");
    await waitFor(() => expect(posted(fetch, "/checkout")).toHaveLength(1));
    unmount();

    answer = "error";
    renderWithPortico(<UpgradeButton plan="nope">Choose</UpgradeButton>, fetch);
    fireEvent.click(screen.getByRole("button", { name: "Choose" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Unknown plan");
    // Focus moves in an effect after the alert renders; a busy machine shows the gap.
    await waitFor(() => expect(document.activeElement).toBe(alert));
    expect(screen.getByRole("button")).toHaveProperty("disabled", false);
  });
});
