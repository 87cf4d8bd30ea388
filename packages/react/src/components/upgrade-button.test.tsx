// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeBillingApi, never } from "../test/fake-billing-api.js";
import { renderWithPortico } from "../test/render-with-portico.js";
import { stubNavigation } from "../test/stub-navigation.js";
import { UpgradeButton } from "./upgrade-button.js";

const assign = stubNavigation();

describe("UpgradeButton", () => {
  it("starts Checkout with marked return URLs and leaves for it", async () => {
    const fetch = fakeBillingApi({
      "POST /checkout": { data: { id: "cs_1", url: "https://checkout.test/cs_1" } },
    });
    renderWithPortico(<UpgradeButton plan="pro" interval="annual" />, fetch);
    fireEvent.click(screen.getByRole("button", { name: "Upgrade" }));
    await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://checkout.test/cs_1"));
    const page = `${window.location.origin}/settings/billing`;
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body))).toEqual({
      plan: "pro",
      interval: "annual",
      successUrl: `${page}?portico=checkout-success`,
      cancelUrl: `${page}?portico=checkout-canceled`,
    });
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
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    unmount();

    answer = "error";
    renderWithPortico(<UpgradeButton plan="nope">Choose</UpgradeButton>, fetch);
    fireEvent.click(screen.getByRole("button", { name: "Choose" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Unknown plan");
    expect(document.activeElement).toBe(alert);
    expect(screen.getByRole("button")).toHaveProperty("disabled", false);
  });
});
