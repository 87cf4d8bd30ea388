// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeBillingApi, makeInvoice } from "../test/fake-billing-api.js";
import { renderWithPortico } from "../test/render-with-portico.js";
import { InvoiceList } from "./invoice-list.js";

afterEach(cleanup);

describe("InvoiceList", () => {
  it("shows a page, then appends the next one with Show more", async () => {
    const fetch = fakeBillingApi({
      "GET /invoices": () =>
        fetch.mock.calls.length === 1
          ? { data: { invoices: [makeInvoice("1")], nextCursor: "c1" } }
          : { data: { invoices: [makeInvoice("2")], nextCursor: null } },
    });
    renderWithPortico(<InvoiceList pageSize={1} />, fetch);
    expect(await screen.findByText("INV-1")).toBeTruthy();
    expect(screen.getByRole("link", { name: "View" }).getAttribute("href")).toBe(
      "https://invoice.test/1",
    );
    fireEvent.click(screen.getByRole("button", { name: "Show more invoices" }));
    expect(await screen.findByText("INV-2")).toBeTruthy();
    expect(String(fetch.mock.calls[1]?.[0])).toBe("/api/billing/invoices?limit=1&cursor=c1");
    await waitFor(() => expect(screen.queryByRole("button")).toBeNull());
  });

  it("says when there are no invoices, and when they cannot be loaded", async () => {
    const empty = fakeBillingApi({ "GET /invoices": { data: { invoices: [], nextCursor: null } } });
    const { unmount } = renderWithPortico(<InvoiceList />, empty);
    expect(await screen.findByText("No invoices yet.")).toBeTruthy();
    unmount();
    renderWithPortico(<InvoiceList />, fakeBillingApi({}));
    expect((await screen.findByRole("alert")).textContent).toBe("Invoices could not be loaded.");
  });
});
