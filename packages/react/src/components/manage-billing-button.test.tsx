// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeBillingApi, never } from "../test/fake-billing-api.js";
import { renderWithPortico } from "../test/render-with-portico.js";
import { stubNavigation } from "../test/stub-navigation.js";
import { ManageBillingButton } from "./manage-billing-button.js";

const assign = stubNavigation();

const button = () => screen.getByRole("button");

describe("ManageBillingButton", () => {
  it("is a real form for the no-JS post: action, method, hidden returnUrl and flow", () => {
    const { container } = renderWithPortico(
      <ManageBillingButton flow="payment_method_update" returnUrl="https://app.test/billing" />,
      fakeBillingApi({}),
    );
    const form = container.querySelector("form");
    expect(form?.getAttribute("method")).toBe("post");
    expect(form?.getAttribute("action")).toBe("/api/billing/portal");
    expect(form?.className).toBe("portico-manage-billing");
    expect(Object.fromEntries(new FormData(form as HTMLFormElement))).toEqual({
      returnUrl: "https://app.test/billing",
      flow: "payment_method_update",
    });
    expect(button().getAttribute("type")).toBe("submit");
  });

  it("carries the provider's organization, or its own, in the form and in the JSON", async () => {
    const fetch = fakeBillingApi({ "POST /portal": { data: { url: "https://portal.test/s/2" } } });
    const { container } = renderWithPortico(
      <>
        <ManageBillingButton>Organization</ManageBillingButton>
        <ManageBillingButton organizationId="org_b">Other</ManageBillingButton>
      </>,
      fetch,
      { organizationId: "org_a" },
    );
    const [first, second] = [...container.querySelectorAll("form")].map((form) =>
      Object.fromEntries(new FormData(form)),
    );
    expect([first, second]).toEqual([{ organizationId: "org_a" }, { organizationId: "org_b" }]);

    fireEvent.click(screen.getByRole("button", { name: "Other" }));
    await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://portal.test/s/2"));
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body))).toEqual({
      organizationId: "org_b",
      returnUrl: `${window.location.origin}/settings/billing?portico=portal&portico_org=org_b`,
    });
  });

  it("sends no hidden fields it was not given, so Portico's defaults apply", () => {
    const { container } = renderWithPortico(<ManageBillingButton />, fakeBillingApi({}));
    expect(container.querySelectorAll("input")).toHaveLength(0);
  });

  it("posts JSON (this page as the marked return URL) and leaves for the portal", async () => {
    const fetch = fakeBillingApi({ "POST /portal": { data: { url: "https://portal.test/s/1" } } });
    renderWithPortico(<ManageBillingButton flow="subscription_cancel" locale="fr" />, fetch);
    fireEvent.click(button());
    await waitFor(() => expect(assign()).toHaveBeenCalledWith("https://portal.test/s/1"));
    expect(JSON.parse(String(fetch.mock.calls[0]?.[1]?.body))).toEqual({
      returnUrl: `${window.location.origin}/settings/billing?portico=portal`,
      flow: { type: "subscription_cancel" },
      locale: "fr",
    });
  });

  it("shows a busy, disabled button while pending and submits once on a double click", async () => {
    const fetch = fakeBillingApi({ "POST /portal": never });
    const { container } = renderWithPortico(<ManageBillingButton />, fetch);
    const form = container.querySelector("form") as HTMLFormElement;
    fireEvent.submit(form);
    fireEvent.submit(form);
    fireEvent.click(button());
    expect(button()).toHaveProperty("disabled", true);
    expect(button().getAttribute("aria-busy")).toBe("true");
    expect(button().textContent).toBe("Opening billing portal…");
    expect(form.dataset.state).toBe("pending");
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
  });

  it("on error shows an alert, focuses it and gives the button back", async () => {
    const fetch = fakeBillingApi({
      "POST /portal": { status: 404, error: { code: "NOT_FOUND", message: "No customer yet" } },
    });
    renderWithPortico(<ManageBillingButton />, fetch);
    fireEvent.click(button());
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("No customer yet");
    // Focus moves in an effect after the alert renders; a busy machine shows the gap.
    await waitFor(() => expect(document.activeElement).toBe(alert));
    expect(button()).toHaveProperty("disabled", false);
    expect(button().hasAttribute("aria-busy")).toBe(false);
    expect(assign()).not.toHaveBeenCalled();
  });

  it("takes its texts from messages, by error code too", async () => {
    const fetch = fakeBillingApi({
      "POST /portal": { status: 429, error: { code: "RATE_LIMITED", message: "Too many" } },
    });
    renderWithPortico(
      <ManageBillingButton messages={{ manageBilling: "Gérer la facturation" }} />,
      fetch,
      { messages: { errors: { RATE_LIMITED: "Réessayez dans une minute." } } },
    );
    expect(button().textContent).toBe("Gérer la facturation");
    fireEvent.click(button());
    expect((await screen.findByRole("alert")).textContent).toBe("Réessayez dans une minute.");
  });

  it("says when billing can't be reached", async () => {
    const offline = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    renderWithPortico(<ManageBillingButton />, offline);
    fireEvent.click(button());
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Billing can't be reached. Check your connection.",
    );
  });
});
