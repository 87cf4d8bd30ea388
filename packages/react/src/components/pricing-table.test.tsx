// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FREE, fakeBillingApi, makeSubscription, PLANS } from "../test/fake-billing-api.js";
import { renderWithPortico } from "../test/render-with-portico.js";
import { PricingTable } from "./pricing-table.js";

beforeEach(() => {
  window.history.replaceState(null, "", "/pricing");
  vi.spyOn(window.location, "assign").mockImplementation(() => undefined);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const money = (amount: number) =>
  new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" }).format(amount);

describe("PricingTable", () => {
  it("switches prices between monthly and annual and checks out the chosen interval", async () => {
    const fetch = fakeBillingApi({
      "GET /plans": { data: { plans: PLANS } },
      "GET /subscription": { data: FREE },
      "POST /checkout": { data: { id: "cs_1", url: "https://checkout.test/cs_1" } },
    });
    const { container } = renderWithPortico(<PricingTable />, fetch);
    const pro = await waitFor(() => {
      const card = container.querySelector('[data-plan="pro"]');
      if (!card) throw new Error("no card yet");
      return card as HTMLElement;
    });
    expect(pro.querySelector(".portico-price")?.textContent).toBe(`${money(29)}/month`);
    await waitFor(() =>
      expect(container.querySelector('[data-plan="free"]')?.getAttribute("data-state")).toBe(
        "current",
      ),
    );

    fireEvent.click(screen.getByLabelText("Annual"));
    expect(pro.querySelector(".portico-price")?.textContent).toBe(`${money(290)}/year`);
    fireEvent.click(screen.getByRole("button", { name: "Choose Pro" }));
    await waitFor(() =>
      expect(fetch).toHaveBeenCalledWith("/api/billing/checkout", expect.anything()),
    );
    const checkout = fetch.mock.calls.find(([url]) => String(url).endsWith("/checkout"));
    expect(JSON.parse(String(checkout?.[1]?.body))).toMatchObject({
      plan: "pro",
      interval: "annual",
    });
  });

  it("offers no button for the current plan", async () => {
    const fetch = fakeBillingApi({
      "GET /plans": { data: { plans: PLANS } },
      "GET /subscription": { data: makeSubscription() },
    });
    const { container } = renderWithPortico(<PricingTable />, fetch);
    await waitFor(() =>
      expect(container.querySelector('[data-plan="pro"]')?.getAttribute("data-state")).toBe(
        "current",
      ),
    );
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("says when the plans cannot be loaded", async () => {
    renderWithPortico(<PricingTable />, fakeBillingApi({}));
    expect((await screen.findByRole("alert")).textContent).toBe("Plans could not be loaded.");
  });
});
