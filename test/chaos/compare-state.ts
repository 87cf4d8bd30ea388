import { isDeepStrictEqual } from "node:util";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import {
  billingCustomerDetails,
  billingCustomers,
  billingInvoices,
  billingPaymentMethods,
  billingSubscriptions,
} from "../../src/db/schema.js";
import type { Subject } from "../../src/db/subjects.js";
import type { TestPortico } from "../portico.js";
import {
  expectedCard,
  expectedDetails,
  expectedInvoice,
  expectedSubscriptionRow,
} from "../sync-expected.js";

/**
 * One customer's local mirror against Stripe's objects, field by field: every field the
 * expected row names must be equal, and neither side may hold a row the other lacks.
 * The customer's link and its subscriptions must name its subject: the user, or the
 * organization (with no user). The answer is a list of readable differences, empty when the
 * two agree.
 */

type Row = Record<string, unknown>;

export interface CustomerUnderTest {
  customerId: string;
  subject: Subject;
}

export interface ComparedRows {
  subscriptions: number;
  customers: number;
  /** billing_customers rows: the customer's link to its subject. */
  links: number;
  paymentMethods: number;
  invoices: number;
}

/** The subject's columns, as a billing row of that subject must hold them. */
const subjectFields = (subject: Subject) => ({
  userId: subject.type === "user" ? subject.id : null,
  organizationId: subject.type === "organization" ? subject.id : null,
});

const show = (value: unknown) =>
  value instanceof Date ? value.toISOString() : JSON.stringify(value);

function diffRows(
  table: string,
  idField: string,
  expected: Row[],
  actual: Row[],
  differences: string[],
) {
  const local = new Map(actual.map((row) => [row[idField], row]));
  for (const want of expected) {
    const id = want[idField];
    const have = local.get(id);
    local.delete(id);
    if (!have) {
      differences.push(`${table} ${String(id)}: missing locally`);
      continue;
    }
    for (const [field, value] of Object.entries(want)) {
      if (!isDeepStrictEqual(have[field], value)) {
        differences.push(
          `${table} ${String(id)}.${field}: local ${show(have[field])}, Stripe ${show(value)}`,
        );
      }
    }
  }
  for (const id of local.keys()) differences.push(`${table} ${String(id)}: only local`);
}

async function readStripeSide(stripe: Stripe, customerId: string) {
  const [subscriptions, customer, cards, invoices] = await Promise.all([
    stripe.subscriptions.list({ customer: customerId, status: "all", limit: 100 }),
    stripe.customers.retrieve(customerId),
    stripe.paymentMethods.list({ customer: customerId, limit: 100 }),
    stripe.invoices.list({ customer: customerId, limit: 100 }),
  ]);
  if (customer.deleted) throw new Error(`customer ${customerId} was deleted`);
  for (const page of [subscriptions, cards, invoices]) {
    if (page.has_more) throw new Error(`more than 100 objects for ${customerId}: raise the limit`);
  }
  return {
    subscriptions: subscriptions.data,
    customer,
    cards: cards.data,
    invoices: invoices.data,
  };
}

async function readLocalSide(t: TestPortico, customerId: string) {
  const { db } = t.portico.database;
  return Promise.all([
    db.select().from(billingCustomers).where(eq(billingCustomers.stripeCustomerId, customerId)),
    db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeCustomerId, customerId)),
    db
      .select()
      .from(billingCustomerDetails)
      .where(eq(billingCustomerDetails.stripeCustomerId, customerId)),
    db
      .select()
      .from(billingPaymentMethods)
      .where(eq(billingPaymentMethods.stripeCustomerId, customerId)),
    db.select().from(billingInvoices).where(eq(billingInvoices.stripeCustomerId, customerId)),
  ]);
}

export async function diffCustomerState(
  t: TestPortico,
  customer: CustomerUnderTest,
  planByLookupKey: ReadonlyMap<string, string>,
): Promise<{ differences: string[]; compared: ComparedRows }> {
  const remote = await readStripeSide(t.stripe.test, customer.customerId);
  const [links, subscriptions, details, cards, invoices] = await readLocalSide(
    t,
    customer.customerId,
  );
  const defaultCard = remote.customer.invoice_settings.default_payment_method;
  const subject = subjectFields(customer.subject);
  const differences: string[] = [];
  diffRows(
    "link",
    "stripeCustomerId",
    [{ stripeCustomerId: customer.customerId, ...subject, livemode: false, deletedAt: null }],
    links,
    differences,
  );
  diffRows(
    "subscription",
    "stripeSubscriptionId",
    remote.subscriptions.map((subscription) => {
      const lookupKey = subscription.items.data[0]?.price.lookup_key ?? "";
      return {
        ...expectedSubscriptionRow(subscription),
        ...subject,
        planKey: planByLookupKey.get(lookupKey) ?? null,
      };
    }),
    subscriptions,
    differences,
  );
  diffRows(
    "customer",
    "stripeCustomerId",
    [expectedDetails(remote.customer)],
    details,
    differences,
  );
  diffRows(
    "payment method",
    "stripePaymentMethodId",
    remote.cards.map((card) => expectedCard(card, card.id === defaultCard)),
    cards,
    differences,
  );
  diffRows(
    "invoice",
    "stripeInvoiceId",
    remote.invoices.map(expectedInvoice),
    invoices,
    differences,
  );
  const compared = {
    subscriptions: remote.subscriptions.length,
    customers: 1,
    links: 1,
    paymentMethods: remote.cards.length,
    invoices: remote.invoices.length,
  };
  return { differences: differences.map((line) => `${customer.customerId} ${line}`), compared };
}
