// @vitest-environment happy-dom
import { act, cleanup, render, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { PorticoProvider } from "../provider.js";
import { FREE, fakeBillingApi, makeSubscription, never, PLANS } from "../test/fake-billing-api.js";
import { useEntitlement } from "./use-entitlement.js";
import { useSubscription } from "./use-subscription.js";

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

function withProvider(fetch: typeof globalThis.fetch, organizationId?: string) {
  return ({ children }: { children: ReactNode }) => (
    <PorticoProvider fetch={fetch} organizationId={organizationId}>
      {children}
    </PorticoProvider>
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

/** The plan key of the provider's subject: "…" while loading, "free" without a plan. */
function PlanKey() {
  const { subscription } = useSubscription();
  return <>{subscription ? (subscription.plan?.key ?? "free") : "…"}</>;
}

describe("useSubscription for billing subjects", () => {
  /** The user is on Free; org_a pays for Pro with 3 seats; org_b is still loading. */
  const bySubject = () =>
    fakeBillingApi({
      "GET /subscription": (organizationId) =>
        organizationId === undefined
          ? { data: FREE }
          : organizationId === "org_a"
            ? { data: makeSubscription({ seats: 3 }) }
            : never(),
      "GET /plans": { data: { plans: PLANS } },
    });

  it("keeps the user's and an organization's apart under one provider", async () => {
    const fetch = bySubject();
    const { result } = renderHook(
      () => [useSubscription(), useSubscription({ organizationId: "org_a" })] as const,
      { wrapper: withProvider(fetch) },
    );
    await waitFor(() => expect(result.current[1].subscription?.seats).toBe(3));
    await waitFor(() => expect(result.current[0].subscription).toBeDefined());
    expect(result.current[0].subscription).toMatchObject({ plan: null, seats: null });
    expect(result.current[1].subscription?.plan?.key).toBe("pro");
    expect(calls(fetch, "/subscription?organizationId=org_a")).toBe(1);
    expect(calls(fetch, "/subscription")).toBe(1);
  });

  it("keeps two providers apart: each acts for its own organizationId", async () => {
    const fetch = bySubject();
    const { container } = render(
      <>
        <PorticoProvider fetch={fetch}>
          <p id="user">
            <PlanKey />
          </p>
        </PorticoProvider>
        <PorticoProvider fetch={fetch} organizationId="org_a">
          <p id="org">
            <PlanKey />
          </p>
        </PorticoProvider>
      </>,
    );
    const text = (id: string) => container.querySelector(`#${id}`)?.textContent;
    await waitFor(() => expect([text("user"), text("org")]).toEqual(["free", "pro"]));
    expect(calls(fetch, "/subscription")).toBe(1);
    expect(calls(fetch, "/subscription?organizationId=org_a")).toBe(1);
  });

  it("never shows the previous organization's subscription after a switch, and reloads", async () => {
    const fetch = bySubject();
    const seen: (number | null | undefined)[] = [];
    let organizationId = "org_a";
    const { result, rerender } = renderHook(
      () => {
        const state = useSubscription();
        seen.push(state.subscription?.seats);
        return state;
      },
      {
        wrapper: ({ children }: { children: ReactNode }) => (
          <PorticoProvider fetch={fetch} organizationId={organizationId}>
            {children}
          </PorticoProvider>
        ),
      },
    );
    await waitFor(() => expect(result.current.subscription?.seats).toBe(3));
    seen.length = 0;
    organizationId = "org_b";
    rerender();
    expect(result.current).toMatchObject({ subscription: undefined, isLoading: true });
    expect(seen).not.toContain(3);
    await waitFor(() => expect(calls(fetch, "/subscription?organizationId=org_b")).toBe(1));

    organizationId = "org_a";
    rerender();
    expect(result.current.subscription?.seats).toBe(3);
    await waitFor(() => expect(calls(fetch, "/subscription?organizationId=org_a")).toBe(2));
  });

  it("updateSeats posts the subject's new quantity and every caller shows the answer", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription({ seats: 3 }) },
      "GET /plans": { data: { plans: PLANS } },
      "POST /seats": { data: makeSubscription({ seats: 5 }) },
    });
    const { result } = renderHook(() => [useSubscription(), useSubscription()] as const, {
      wrapper: withProvider(fetch, "org_a"),
    });
    await waitFor(() => expect(result.current[0].subscription?.seats).toBe(3));
    await act(() => result.current[0].updateSeats(5));
    expect(result.current[1].subscription?.seats).toBe(5);
    const [url, init] = fetch.mock.calls.find(([u]) => String(u).endsWith("/seats")) ?? [];
    expect(url).toBe("/api/billing/seats");
    expect(JSON.parse(String(init?.body))).toEqual({ organizationId: "org_a", seats: 5 });
    expect(calls(fetch, "/subscription?organizationId=org_a")).toBe(1);
  });

  it("updateSeats rejects for a member who may not manage billing, keeping what is shown", async () => {
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription({ seats: 3 }) },
      "POST /seats": { status: 404, error: { code: "NOT_FOUND", message: "No such organization" } },
    });
    const { result } = renderHook(() => useSubscription({ organizationId: "org_a" }), {
      wrapper: withProvider(fetch),
    });
    await waitFor(() => expect(result.current.subscription?.seats).toBe(3));
    await expect(result.current.updateSeats(9)).rejects.toMatchObject({
      code: "NOT_FOUND",
      status: 404,
    });
    expect(result.current).toMatchObject({ error: undefined, subscription: { seats: 3 } });
  });
});
