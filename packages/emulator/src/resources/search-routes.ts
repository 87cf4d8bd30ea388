import type Stripe from "stripe";
import type { Invoice } from "../billing/invoice-build.js";
import { defineRoute } from "../http/route.js";
import type { Wire } from "../wire.js";
import { isDeleted } from "./lookup.js";
import { createSearchHandler } from "./search.js";

/**
 * The `/search` endpoints, each with the query fields Stripe documents for it
 * (https://docs.stripe.com/search#query-fields). Registered before the `/:id` routes so
 * `search` is never taken for an id.
 */

const idOf = (value: string | { id: string } | null) =>
  typeof value === "string" ? value : (value?.id ?? null);

const searchCustomers = createSearchHandler(
  "customer",
  "customers",
  {
    created: (customer) => (isDeleted(customer) ? null : customer.created),
    email: (customer) => (isDeleted(customer) ? null : customer.email),
    name: (customer) => (isDeleted(customer) ? null : (customer.name ?? null)),
    phone: (customer) => (isDeleted(customer) ? null : (customer.phone ?? null)),
  },
  (customer) => !isDeleted(customer),
);

const searchSubscriptions = createSearchHandler("subscription", "subscriptions", {
  created: (subscription) => subscription.created,
  status: (subscription) => subscription.status,
});

const searchInvoices = createSearchHandler("invoice", "invoices", {
  created: (invoice: Invoice) => invoice.created,
  currency: (invoice) => invoice.currency,
  customer: (invoice) => idOf(invoice.customer as Wire<Stripe.Customer> | string | null),
  number: (invoice) => invoice.number,
  receipt_number: (invoice) => invoice.receipt_number,
  status: (invoice) => invoice.status,
  subscription: (invoice) => idOf(invoice.parent?.subscription_details?.subscription ?? null),
  total: (invoice) => invoice.total,
});

export const searchRoutes = [
  defineRoute("GET", "/v1/customers/search", searchCustomers),
  defineRoute("GET", "/v1/subscriptions/search", searchSubscriptions),
  defineRoute("GET", "/v1/invoices/search", searchInvoices),
];
