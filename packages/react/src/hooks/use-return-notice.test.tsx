// @vitest-environment happy-dom
import { cleanup, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it } from "vitest";
import type { SubscriptionData } from "../client/api-types.js";
import { BillingSettings } from "../components/billing-settings.js";
import { UpgradeButton } from "../components/upgrade-button.js";
import { PorticoProvider, usePortico } from "../provider.js";
import { FREE, fakeBillingApi, makeSubscription, PLANS } from "../test/fake-billing-api.js";
import { stubNavigation } from "../test/stub-navigation.js";
import { useReturnNotice } from "./use-return-notice.js";

const assign = stubNavigation();
beforeEach(() => sessionStorage.clear());

function onPage(fetch: typeof globalThis.fetch, organizationId?: string) {
  return ({ children }: { children: ReactNode }) => (
    <PorticoProvider fetch={fetch} locale="en-US" organizationId={organizationId}>
      {children}
    </PorticoProvider>
  );
}

/** On the billing page showing `before`, clicks `button` and leaves for the portal. */
async function leaveForPortal(
  before: SubscriptionData,
  { organizationId, button = "Manage billing" }: { organizationId?: string; button?: string } = {},
) {
  window.history.replaceState(null, "", "/settings/billing");
  const portal = `https://portal.test/${organizationId ?? "user"}`;
  const fetch = fakeBillingApi({
    "GET /subscription": { data: before },
    "GET /plans": { data: { plans: PLANS } },
    "POST /portal": { data: { url: portal } },
  });
  render(
    <>
      <BillingSettings />
      <UpgradeButton plan="business">Change plan</UpgradeButton>
    </>,
    { wrapper: onPage(fetch, organizationId) },
  );
  await screen.findByText("Current plan");
  fireEvent.click(screen.getByRole("button", { name: button }));
  await waitFor(() => expect(assign()).toHaveBeenLastCalledWith(portal));
  cleanup();
}

/**
 * Back on the page with the return marker. Portico's own copy still says `stale` (the
 * webhook has not landed); the sync asks Stripe and answers `synced`. Resolves with the
 * notice once the return has synced.
 */
async function returnFromPortal(
  synced: SubscriptionData,
  { organizationId, stale = synced }: { organizationId?: string; stale?: SubscriptionData } = {},
) {
  const org = organizationId === undefined ? "" : `&portico_org=${organizationId}`;
  window.history.replaceState(null, "", `/settings/billing?portico=portal${org}`);
  const fetch = fakeBillingApi({
    "GET /subscription": { data: stale },
    "GET /plans": { data: { plans: PLANS } },
    "POST /sync": { data: synced },
  });
  const { result } = renderHook(
    () => ({ notice: useReturnNotice(), returned: usePortico().returned }),
    { wrapper: onPage(fetch, organizationId) },
  );
  await waitFor(() => expect(result.current.returned).toBeDefined());
  const { notice } = result.current;
  cleanup();
  return notice;
}

const pro = makeSubscription();
const mastercard = { brand: "mastercard", last4: "4444", expMonth: 1, expYear: 2041 };

describe("useReturnNotice after the portal", () => {
  it.each([
    [
      "a cancellation",
      makeSubscription({ cancelAtPeriodEnd: true }),
      "Your subscription will end on December 5, 2026.",
    ],
    [
      "an immediate cancellation",
      makeSubscription({ status: "canceled" }),
      "Your subscription was canceled.",
    ],
    ["a new plan", makeSubscription({ plan: "business" }), "You're now on Business."],
    [
      "a new card",
      makeSubscription({ paymentMethod: mastercard }),
      "Your card was updated to Mastercard •••• 4444.",
    ],
  ])("says %s, from the view synced after the webhook-less return", async (_, synced, notice) => {
    await leaveForPortal(pro);
    expect(await returnFromPortal(synced, { stale: pro })).toBe(notice);
  });

  it("says an undone cancellation continues", async () => {
    await leaveForPortal(makeSubscription({ cancelAtPeriodEnd: true }));
    expect(await returnFromPortal(pro)).toBe("Your subscription will continue.");
  });

  it("says a new number of seats", async () => {
    await leaveForPortal(makeSubscription({ seats: 3 }));
    expect(await returnFromPortal(makeSubscription({ seats: 5 }))).toBe("You now have 5 seats.");
  });

  it("joins several changes into one notice", async () => {
    await leaveForPortal(makeSubscription({ seats: 3 }));
    const synced = makeSubscription({ plan: "business", seats: 1, paymentMethod: mastercard });
    expect(await returnFromPortal(synced)).toBe(
      "You're now on Business. You now have 1 seat. Your card was updated to Mastercard •••• 4444.",
    );
  });

  it("says nothing when nothing changed (invoices or billing details only looked at)", async () => {
    await leaveForPortal(pro);
    expect(
      await returnFromPortal(makeSubscription({ entitlements: { projects: 5 } })),
    ).toBeUndefined();
  });

  it("says nothing without a remembered subscription (the portal opened in another tab)", async () => {
    expect(await returnFromPortal(makeSubscription({ cancelAtPeriodEnd: true }))).toBeUndefined();
  });

  it("says it once: a reload of the return page has nothing to compare", async () => {
    await leaveForPortal(pro);
    const canceled = makeSubscription({ cancelAtPeriodEnd: true });
    expect(await returnFromPortal(canceled)).toBeDefined();
    expect(await returnFromPortal(canceled)).toBeUndefined();
  });

  it("keeps an organization's subscription apart from the user's", async () => {
    const team = makeSubscription({ plan: "team", seats: 3 });
    await leaveForPortal(pro);
    await leaveForPortal(team, { organizationId: "org_a" });
    // Diffed against the user's Pro, the organization's unchanged Team would read as changed.
    expect(await returnFromPortal(team, { organizationId: "org_a" })).toBeUndefined();
    expect(await returnFromPortal(makeSubscription({ cancelAtPeriodEnd: true }))).toBe(
      "Your subscription will end on December 5, 2026.",
    );
  });

  it("remembers the subscription when UpgradeButton opens the portal's plan change", async () => {
    await leaveForPortal(pro, { button: "Change plan" });
    expect(await returnFromPortal(makeSubscription({ plan: "business" }))).toBe(
      "You're now on Business.",
    );
  });

  it("BillingSettings shows it in a status region, in the host's words", async () => {
    await leaveForPortal(pro);
    window.history.replaceState(null, "", "/settings/billing?portico=portal");
    const fetch = fakeBillingApi({
      "GET /subscription": { data: pro },
      "GET /plans": { data: { plans: PLANS } },
      "POST /sync": { data: makeSubscription({ cancelAtPeriodEnd: true }) },
    });
    render(<BillingSettings messages={{ portalEnds: (date) => `Fin le ${date}.` }} />, {
      wrapper: onPage(fetch),
    });
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toBe("Fin le December 5, 2026."),
    );
  });
});

describe("useReturnNotice", () => {
  it("says nothing on an ordinary visit", async () => {
    const fetch = fakeBillingApi({ "GET /subscription": { data: FREE } });
    const { result } = renderHook(() => [useReturnNotice(), usePortico().returned] as const, {
      wrapper: onPage(fetch),
    });
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(result.current).toEqual([undefined, undefined]);
  });

  it.each([
    ["checkout-success", makeSubscription(), "Your subscription is active"],
    ["checkout-success", FREE, "Checkout was canceled. You have not been charged."],
    ["checkout-canceled", FREE, "Checkout was canceled. You have not been charged."],
    [
      "checkout-success",
      makeSubscription({ status: "trialing", trialEnd: "2026-12-16T12:00:00.000Z" }),
      "Your free trial has started. It ends on December 16, 2026.",
    ],
  ])("after ?portico=%s, once synced, says what happened", async (kind, synced, notice) => {
    window.history.replaceState(null, "", `/settings/billing?portico=${kind}`);
    const fetch = fakeBillingApi({
      "GET /subscription": { data: FREE },
      "POST /sync": { data: synced },
    });
    const { result } = renderHook(() => useReturnNotice(), { wrapper: onPage(fetch) });
    await waitFor(() => expect(result.current).toBe(notice));
  });
});
