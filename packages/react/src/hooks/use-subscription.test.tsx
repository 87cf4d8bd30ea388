// @vitest-environment happy-dom
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { PorticoProvider } from "../provider.js";
import { FREE, fakeBillingApi, makeSubscription, PLANS } from "../test/fake-billing-api.js";
import { useEntitlement } from "./use-entitlement.js";
import { useSubscription } from "./use-subscription.js";

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

function withProvider(fetch: typeof globalThis.fetch) {
  return ({ children }: { children: ReactNode }) => (
    <PorticoProvider fetch={fetch}>{children}</PorticoProvider>
  );
}

const calls = (fetch: { mock: { calls: unknown[][] } }, path: string) =>
  fetch.mock.calls.filter(([url]) => String(url).endsWith(path)).length;

describe("useSubscription", () => {
  it("is loading, then gives dates as Date and the plan with its catalog name", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { result } = renderHook(() => useSubscription(), { wrapper: withProvider(fetch) });
    expect(result.current.isLoading).toBe(true);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.subscription).toMatchObject({
      plan: { key: "pro", name: "Pro" },
      status: "active",
      currentPeriodEnd: new Date("2026-12-05T12:00:00.000Z"),
      hasCustomer: true,
    });
  });

  it("has no plan on the free plan", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: FREE },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { result } = renderHook(() => useSubscription(), { wrapper: withProvider(fetch) });
    await waitFor(() => expect(result.current.subscription).toBeDefined());
    expect(result.current.subscription?.plan).toBeNull();
  });

  it("still shows the subscription when the plans fail, with a readable name", async () => {
    const fetch = fakeBillingApi({ "GET /subscription": { data: makeSubscription() } });
    const { result } = renderHook(() => useSubscription(), { wrapper: withProvider(fetch) });
    await waitFor(() =>
      expect(result.current.subscription?.plan).toEqual({ key: "pro", name: "Pro" }),
    );
  });

  it("reports a failed first load as error", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { status: 401, error: { code: "UNAUTHORIZED", message: "Sign in" } },
    });
    const { result } = renderHook(() => useSubscription(), { wrapper: withProvider(fetch) });
    await waitFor(() => expect(result.current.error).toMatchObject({ code: "UNAUTHORIZED" }));
    expect(result.current.subscription).toBeUndefined();
  });

  it("shares one request between callers and refreshes when the tab becomes visible", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { result } = renderHook(() => [useSubscription(), useEntitlement("projects")], {
      wrapper: withProvider(fetch),
    });
    await waitFor(() => expect(result.current[1]).toEqual({ value: 1000, isLoading: false }));
    expect(calls(fetch, "/subscription")).toBe(1);

    act(() => {
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await waitFor(() => expect(calls(fetch, "/subscription")).toBe(2));
    expect(calls(fetch, "/plans")).toBe(1);
  });

  it("syncs from Stripe on a return from the portal and removes the marker", async () => {
    window.history.replaceState(null, "", "/settings/billing?tab=1&portico=portal");
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription({ cancelAtPeriodEnd: false }) },
      "POST /sync": { data: makeSubscription({ cancelAtPeriodEnd: true }) },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { result } = renderHook(() => useSubscription(), { wrapper: withProvider(fetch) });
    await waitFor(() => expect(result.current.subscription?.cancelAtPeriodEnd).toBe(true));
    expect(calls(fetch, "/sync")).toBe(1);
    expect(window.location.search).toBe("?tab=1");
  });
});
