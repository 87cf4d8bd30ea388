// @vitest-environment happy-dom
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useBillingFormat } from "./hooks/use-billing-format.js";
import { useInvoices } from "./hooks/use-invoices.js";
import { useSubscription } from "./hooks/use-subscription.js";
import { PorticoProvider, type PorticoProviderProps } from "./provider.js";
import { toSubscription } from "./store/to-subscription.js";
import { fakeBillingApi, makeInvoice, makeSubscription, PLANS } from "./test/fake-billing-api.js";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  window.history.replaceState(null, "", "/");
});

function withProvider(props: PorticoProviderProps) {
  return ({ children }: { children: ReactNode }) => (
    <PorticoProvider {...props}>{children}</PorticoProvider>
  );
}

const calls = (fetch: { mock: { calls: unknown[][] } }, path: string) =>
  fetch.mock.calls.filter(([url]) => String(url).split("?")[0]?.endsWith(path)).length;

describe("the provider's refreshes", () => {
  it("with refreshInterval, reloads the subscription and the invoices shown while visible", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let invoices = [makeInvoice("in_1")];
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
      "GET /invoices": () => ({ data: { invoices, nextCursor: null } }),
    });
    const { result } = renderHook(() => [useSubscription(), useInvoices()] as const, {
      wrapper: withProvider({ fetch, refreshInterval: 3_000 }),
    });
    await waitFor(() => expect(result.current[1].invoices).toHaveLength(1));
    expect(calls(fetch, "/subscription")).toBe(1);

    invoices = [makeInvoice("in_2"), makeInvoice("in_1")];
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    await waitFor(() =>
      expect(result.current[1].invoices?.map((i) => i.id)).toEqual(["in_2", "in_1"]),
    );
    expect(calls(fetch, "/subscription")).toBe(2);
    expect(calls(fetch, "/plans")).toBe(1);
  });

  it("without refreshInterval, does not poll; a hidden tab is not polled either", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fetch = fakeBillingApi({
      "GET /subscription": { data: makeSubscription() },
      "GET /plans": { data: { plans: PLANS } },
    });
    const { result, unmount } = renderHook(() => useSubscription(), {
      wrapper: withProvider({ fetch }),
    });
    await waitFor(() => expect(result.current.subscription).toBeDefined());
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(calls(fetch, "/subscription")).toBe(1);
    unmount();

    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    try {
      const polled = renderHook(() => useSubscription(), {
        wrapper: withProvider({ fetch, refreshInterval: 1_000 }),
      });
      await waitFor(() => expect(polled.result.current.subscription).toBeDefined());
      await act(() => vi.advanceTimersByTimeAsync(5_000));
      expect(calls(fetch, "/subscription")).toBe(2);
    } finally {
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
    }
  });

  it("keeps the invoices shown when a refresh fails", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let failing = false;
    const fetch = fakeBillingApi({
      "GET /invoices": () =>
        failing
          ? { status: 503, error: { code: "STRIPE_UNAVAILABLE", message: "Try again" } }
          : { data: { invoices: [makeInvoice("in_1")], nextCursor: null } },
    });
    const { result } = renderHook(() => useInvoices(), {
      wrapper: withProvider({ fetch, refreshInterval: 1_000 }),
    });
    await waitFor(() => expect(result.current.invoices).toHaveLength(1));
    failing = true;
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    await waitFor(() => expect(calls(fetch, "/invoices")).toBe(2));
    expect(result.current).toMatchObject({ error: undefined, isLoading: false });
    expect(result.current.invoices).toHaveLength(1);
  });
});

describe("useBillingFormat", () => {
  it("formats in the provider's locale with its messages", () => {
    const fetch = fakeBillingApi({});
    const { result } = renderHook(() => useBillingFormat({ renewsOn: (d) => `Prochain : ${d}` }), {
      wrapper: withProvider({
        fetch,
        locale: "fr-FR",
        messages: { statuses: { active: "Actif" } },
      }),
    });
    const format = result.current;
    expect(format.date("2026-06-03T12:00:00.000Z")).toBe("3 juin 2026");
    expect(format.money(2900, "eur")).toBe("29,00\u00a0€");
    expect(format.status("active")).toBe("Actif");
    expect(format.status("past_due")).toBe("Past due");
    expect(format.cardBrand("american_express")).toBe("Amex");
    expect(format.cardExpiry({ brand: "visa", last4: "4242", expMonth: 4, expYear: 2031 })).toBe(
      "Expires 04/2031",
    );
    const subscription = toSubscription(
      makeSubscription({ currentPeriodEnd: "2026-06-03T12:00:00.000Z" }),
      PLANS,
    );
    expect(format.renewal(subscription)).toBe("Prochain : 3 juin 2026");
  });
});
