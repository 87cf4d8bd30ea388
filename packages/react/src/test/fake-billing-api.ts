import { vi } from "vitest";
import type { Invoice, Plan, SubscriptionData } from "../client/api-types.js";

/** Answers for `"GET /subscription"`-style keys: data, an error envelope, or a pending promise. */
export type FakeAnswer =
  | { data: unknown }
  | { status: number; error: { code: string; message: string } }
  | Promise<Response>;

/** The billing subject a request names: the query's, else the JSON body's `organizationId`. */
export function subjectOf(url: URL, init?: RequestInit): string | undefined {
  const fromQuery = url.searchParams.get("organizationId");
  if (fromQuery !== null) return fromQuery;
  const body: unknown = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
  const id = (body as { organizationId?: unknown } | undefined)?.organizationId;
  return typeof id === "string" ? id : undefined;
}

/**
 * A `fetch` for the provider's `fetch` prop: Portico's routes at the network boundary, so
 * the components run unmodified. An answer given as a function is called with the request's
 * subject (see `subjectOf`). Unlisted routes answer 404 NOT_FOUND.
 */
export function fakeBillingApi(
  answers: Record<string, FakeAnswer | ((organizationId: string | undefined) => FakeAnswer)>,
) {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://app.test");
    const key = `${init?.method ?? "GET"} /${url.pathname.split("/").pop()}`;
    const entry = answers[key];
    const answer = typeof entry === "function" ? entry(subjectOf(url, init)) : entry;
    if (answer instanceof Promise) return answer;
    if (!answer) return envelope(404, { code: "NOT_FOUND", message: `No fake for ${key}` });
    if ("data" in answer) return Response.json({ success: true, data: answer.data });
    return envelope(answer.status, answer.error);
  });
}

const envelope = (status: number, error: { code: string; message: string }) =>
  Response.json({ success: false, error: { ...error, requestId: "req_test" } }, { status });

export const PLANS: Plan[] = [
  {
    key: "free",
    name: "Free",
    description: null,
    features: ["1 project"],
    trialPeriodDays: null,
    prices: { monthly: null, annual: null },
    seats: null,
  },
  {
    key: "pro",
    name: "Pro",
    description: "For teams",
    features: ["Unlimited projects"],
    trialPeriodDays: 14,
    prices: {
      monthly: { lookupKey: "pro_monthly", amount: 2900, currency: "usd" },
      annual: { lookupKey: "pro_annual", amount: 29000, currency: "usd" },
    },
    seats: null,
  },
];

export function makeSubscription(overrides: Partial<SubscriptionData> = {}): SubscriptionData {
  return {
    plan: "pro",
    status: "active",
    currentPeriodEnd: "2026-12-05T12:00:00.000Z",
    cancelAtPeriodEnd: false,
    cancelAt: null,
    trialEnd: null,
    paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2040 },
    entitlements: { projects: 1000, api_access: true },
    hasCustomer: true,
    seats: null,
    ...overrides,
  };
}

/** The free plan: no subscription, maybe not even a customer. */
export const FREE: SubscriptionData = makeSubscription({
  plan: "free",
  status: null,
  currentPeriodEnd: null,
  paymentMethod: null,
  entitlements: { projects: 1 },
  hasCustomer: false,
});

/** A fetch that never answers, to observe a pending state. */
export const never = () => new Promise<Response>(() => undefined);

/** A paid $29.00 invoice numbered `INV-<id>`. */
export const makeInvoice = (id: string): Invoice => ({
  id,
  number: `INV-${id}`,
  status: "paid",
  currency: "usd",
  total: 2900,
  amountDue: 2900,
  amountPaid: 2900,
  created: "2026-11-05T12:00:00.000Z",
  periodStart: null,
  periodEnd: null,
  hostedInvoiceUrl: `https://invoice.test/${id}`,
  invoicePdf: null,
});
