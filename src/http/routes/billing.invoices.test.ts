import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCatalog, EXAMPLE_BILLING_CONFIG, getJson } from "../../../test/checkout.js";
import {
  createResponseValidator,
  fetchOpenApiDocument,
  type OpenApiDocument,
} from "../../../test/openapi-responses.js";
import { giveCustomer, signUp } from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import type { InvoicePage } from "../../billing/invoice-list.js";

const DAY = 86_400;
const iso = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000).toISOString();

/** What the API should answer for an invoice, written from Stripe's object. */
function expectedSummary(invoice: Stripe.Invoice) {
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    currency: invoice.currency,
    total: invoice.total,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    created: iso(invoice.created),
    periodStart: iso(invoice.period_start),
    periodEnd: iso(invoice.period_end),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
  };
}

/** Just after the clock's next whole second, so the next few calls share one `created`. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));

/** Newest first; ties within a second by id, in byte order. */
const newestFirst = (a: Stripe.Invoice, b: Stripe.Invoice) =>
  b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

describe("GET /api/billing/invoices", () => {
  let t: SyncedPortico;
  let document: OpenApiDocument;
  let validator: ReturnType<typeof createResponseValidator>;
  let prices: Map<string, string>;
  beforeAll(async () => {
    t = await startSyncedPortico({ env: { PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG } });
    await applyCatalog(t);
    document = await fetchOpenApiDocument(t.url);
    validator = createResponseValidator(document);
    const listed = await t.stripe.test.prices.list({
      lookup_keys: ["pro_monthly", "starter_monthly", "pro_annual"],
    });
    prices = new Map(listed.data.map((price) => [price.lookup_key ?? "", price.id]));
  });
  afterAll(() => t.close());

  async function listPage(token: string, query = "") {
    const path = "/api/billing/invoices";
    const response = await getJson(t, `${path}${query}`, token);
    await validator.validate({ method: "GET", path }, response);
    return response;
  }

  async function readPage(token: string, query = ""): Promise<InvoicePage> {
    const response = await listPage(token, query);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: InvoicePage }).data;
  }

  /** Every page from the first, following nextCursor. */
  async function readAllPages(token: string, limit: number) {
    const pages: InvoicePage[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await readPage(token, query);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  }

  /**
   * A signed-up user whose customer pays by card, with a subscription to each lookup key,
   * all started within one second.
   */
  async function payingUser(lookupKeys: string[]) {
    const signedUp = await signUp(t);
    const customer = await giveCustomer(t, signedUp.user.id);
    const card = await t.stripe.test.paymentMethods.attach("pm_card_visa", {
      customer: customer.id,
    });
    await t.stripe.test.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    await nextSecond();
    for (const key of lookupKeys) {
      await t.stripe.test.subscriptions.create({
        customer: customer.id,
        items: [{ price: prices.get(key) ?? "" }],
      });
    }
    return { ...signedUp, customer };
  }

  async function stripeInvoicesOf(customerId: string) {
    const listed = await t.stripe.test.invoices.list({ customer: customerId, limit: 100 });
    return listed.data.filter((invoice) => invoice.status !== "draft").sort(newestFirst);
  }

  it("pages through every invoice exactly once, newest first, and never another user's", async () => {
    // Three subscriptions started together: first invoices that share a second.
    const alice = await payingUser(["pro_monthly", "starter_monthly", "pro_annual"]);
    const bob = await payingUser(["starter_monthly"]);
    // Two monthly renewals for both.
    await t.control("clock/advance", { seconds: 31 * DAY });
    await t.control("clock/advance", { seconds: 31 * DAY });
    await t.flush();

    const aliceInvoices = await stripeInvoicesOf(alice.customer.id);
    const bobInvoices = await stripeInvoicesOf(bob.customer.id);
    expect(aliceInvoices.length).toBeGreaterThanOrEqual(7);
    expect(bobInvoices.length).toBeGreaterThanOrEqual(3);
    // The case keyset paging gets wrong without a tie-breaker.
    const seconds = new Set(aliceInvoices.map((invoice) => invoice.created));
    expect(seconds.size).toBeLessThan(aliceInvoices.length);

    for (const limit of [1, 2, 3, 100]) {
      const pages = await readAllPages(alice.token, limit);
      const listed = pages.flatMap((page) => page.invoices);
      expect(listed, `limit ${limit}`).toEqual(aliceInvoices.map(expectedSummary));
      expect(pages.length).toBe(Math.max(1, Math.ceil(aliceInvoices.length / limit)));
      for (const page of pages.slice(0, -1)) expect(page.invoices).toHaveLength(limit);
      expect(pages.at(-1)?.nextCursor).toBeNull();
    }

    const bobListed = (await readAllPages(bob.token, 2)).flatMap((page) => page.invoices);
    expect(bobListed).toEqual(bobInvoices.map(expectedSummary));

    // A cursor names a place in a list, not a list: Bob following Alice's sees only his own.
    const aliceFirst = await readPage(alice.token, "?limit=1");
    const crossed = await readPage(bob.token, `?limit=100&cursor=${aliceFirst.nextCursor}`);
    const bobIds = new Set(bobInvoices.map((invoice) => invoice.id));
    for (const invoice of crossed.invoices) expect(bobIds.has(invoice.id)).toBe(true);
  });

  it("defaults to 10 invoices a page", async () => {
    const monthly = ["pro_monthly", "starter_monthly", "pro_monthly", "starter_monthly"];
    const carol = await payingUser(monthly);
    await t.control("clock/advance", { seconds: 31 * DAY });
    await t.control("clock/advance", { seconds: 31 * DAY });
    await t.flush();
    const expected = await stripeInvoicesOf(carol.customer.id);
    expect(expected.length).toBeGreaterThan(10);
    const page = await readPage(carol.token);
    expect(page.invoices).toEqual(expected.slice(0, 10).map(expectedSummary));
    expect(page.nextCursor).not.toBeNull();
  });

  it("answers an empty list to a user without a Stripe customer", async () => {
    const { token } = await signUp(t);
    expect(await readPage(token)).toEqual({ invoices: [], nextCursor: null });
  });

  it("refuses a bad limit or cursor with 422 naming the parameter", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    const cursorOf = (position: unknown) =>
      Buffer.from(JSON.stringify(position)).toString("base64url");
    const forged = cursorOf(["yesterday", "in_1"]);
    const cases: [string, string][] = [
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?limit=ten", "limit"],
      ["?limit=2.5", "limit"],
      ["?cursor=not-a-cursor", "cursor"],
      ["?cursor=%25%25", "cursor"],
      [`?cursor=${forged}`, "cursor"],
      [`?cursor=${"A".repeat(401)}`, "cursor"],
      // Times a Date holds but PostgreSQL cannot, and text it cannot hold: once a 503.
      [`?cursor=${cursorOf([8.64e15, "x"])}`, "cursor"],
      [`?cursor=${cursorOf([-62198755200001, "x"])}`, "cursor"],
      [`?cursor=${cursorOf([253402300800000, "x"])}`, "cursor"],
      [`?cursor=${cursorOf([0, "\u0000"])}`, "cursor"],
      [`?cursor=${cursorOf([0, "in_\ud800"])}`, "cursor"],
      [`?cursor=${cursorOf([0, "x".repeat(256)])}`, "cursor"],
      ["?cursor=%00", "cursor"],
    ];
    for (const [query, field] of cases) {
      const response = await listPage(token, query);
      expect(response.status, query).toBe(422);
      const body = (await response.json()) as {
        error: { code: string; details: { path: string[] }[] };
      };
      expect(body.error.code).toBe("VALIDATION_ERROR");
      expect(body.error.details[0]?.path, query).toEqual([field]);
    }
    // A NUL in any route's input is refused by the shared validation hook, before the handler.
    const nul = await listPage(token, "?cursor=%00");
    expect(((await nul.json()) as { error: { message: string } }).error.message).toBe(
      "cursor must not contain NUL characters or unpaired surrogates",
    );
  });

  it("requires a signed-in user", async () => {
    const response = await fetch(`${t.url}/api/billing/invoices`);
    await validator.validate({ method: "GET", path: "/api/billing/invoices" }, response);
    expect(response.status).toBe(401);
  });
});
