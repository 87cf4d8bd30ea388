// @vitest-environment happy-dom
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { PorticoProvider } from "../provider.js";
import { fakeBillingApi, makeInvoice, never } from "../test/fake-billing-api.js";
import { useInvoices } from "./use-invoices.js";

afterEach(cleanup);

const ids = (invoices: { id: string }[] | undefined) => invoices?.map((invoice) => invoice.id);

/** Each subject has its own invoices; org_slow never answers. */
const bySubject = () =>
  fakeBillingApi({
    "GET /invoices": (organizationId) => {
      if (organizationId === "org_slow") return never();
      const owner = organizationId ?? "user";
      return { data: { invoices: [makeInvoice(`${owner}_1`)], nextCursor: `${owner}_c` } };
    },
  });

describe("useInvoices for billing subjects", () => {
  it("lists the user's and an organization's apart, paging each with its own subject", async () => {
    const fetch = bySubject();
    const { result } = renderHook(
      () => [useInvoices(), useInvoices({ organizationId: "org_a", pageSize: 5 })] as const,
      { wrapper: ({ children }) => <PorticoProvider fetch={fetch}>{children}</PorticoProvider> },
    );
    await waitFor(() => expect(ids(result.current[1].invoices)).toEqual(["org_a_1"]));
    await waitFor(() => expect(ids(result.current[0].invoices)).toEqual(["user_1"]));
    await act(() => result.current[1].loadMore());
    expect(ids(result.current[1].invoices)).toEqual(["org_a_1", "org_a_1"]);
    expect(ids(result.current[0].invoices)).toEqual(["user_1"]);
    expect(fetch.mock.calls.map(([url]) => String(url)).sort()).toEqual([
      "/api/billing/invoices?limit=10",
      "/api/billing/invoices?organizationId=org_a&limit=5",
      "/api/billing/invoices?organizationId=org_a&limit=5&cursor=org_a_c",
    ]);
  });

  it("never shows the previous organization's invoices after the provider switches", async () => {
    const fetch = bySubject();
    let organizationId = "org_a";
    const rendered: (string[] | undefined)[] = [];
    const { result, rerender } = renderHook(
      () => {
        const state = useInvoices();
        rendered.push(ids(state.invoices));
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
    await waitFor(() => expect(ids(result.current.invoices)).toEqual(["org_a_1"]));
    rendered.length = 0;
    organizationId = "org_slow";
    rerender();
    expect(rendered).not.toContainEqual(["org_a_1"]);
    expect(result.current).toMatchObject({ invoices: undefined, isLoading: true, hasMore: false });

    organizationId = "org_b";
    rerender();
    await waitFor(() => expect(ids(result.current.invoices)).toEqual(["org_b_1"]));
    expect(rendered).not.toContainEqual(["org_a_1"]);
  });
});
