import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCatalog } from "../../../test/checkout.js";
import {
  createResponseValidator,
  fetchOpenApiDocument,
  type OpenApiDocument,
} from "../../../test/openapi-responses.js";
import { postJson, signUp, startTestPortico, type TestPortico } from "../../../test/portico.js";
import { findBillingCustomer } from "../../db/billing-customers.js";
import { checkoutSessions } from "../../db/schema.js";
import { userSubjectId } from "../../db/subjects.js";

/** Free; Solo in euros, monthly only, default lookup key, no trial; Pro with both and a trial. */
const BILLING_FILE = {
  plans: [
    { key: "free", name: "Free", features: ["1 project"] },
    {
      key: "solo",
      name: "Solo",
      description: "Just you",
      prices: { currency: "eur", monthly: { amount: 500 } },
    },
    {
      key: "pro",
      name: "Pro",
      description: "For teams",
      features: ["Unlimited projects", "Priority support"],
      prices: {
        currency: "usd",
        trial_period_days: 14,
        monthly: { amount: 2900, lookup_key: "pro_monthly" },
        annual: { amount: 29000, lookup_key: "pro_yearly" },
      },
    },
  ],
};

describe("GET /api/billing/plans and checkout by plan", () => {
  let t: TestPortico;
  let document: OpenApiDocument;
  let validator: ReturnType<typeof createResponseValidator>;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "portico-plans-"));
    const file = join(dir, "portico.config.json");
    await writeFile(file, JSON.stringify(BILLING_FILE));
    t = await startTestPortico({ env: { PORTICO_CONFIG: file } });
    await applyCatalog(t);
    document = await fetchOpenApiDocument(t.url);
    validator = createResponseValidator(document);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function call(path: string, response: Promise<Response>, method = "GET") {
    const answered = await response;
    await validator.validate({ method, path }, answered);
    return answered;
  }

  const checkout = (body: unknown, token: string) =>
    call("/api/billing/checkout", postJson(t, "/api/billing/checkout", body, token), "POST");

  it("lists the file's plans in order, without a credential", async () => {
    const response = await call("/api/billing/plans", fetch(`${t.url}/api/billing/plans`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      data: {
        plans: [
          {
            key: "free",
            name: "Free",
            description: null,
            features: ["1 project"],
            trialPeriodDays: null,
            seats: null,
            prices: { monthly: null, annual: null },
          },
          {
            key: "solo",
            name: "Solo",
            description: "Just you",
            features: [],
            trialPeriodDays: null,
            seats: null,
            prices: {
              monthly: { lookupKey: "solo_monthly", amount: 500, currency: "eur" },
              annual: null,
            },
          },
          {
            key: "pro",
            name: "Pro",
            description: "For teams",
            features: ["Unlimited projects", "Priority support"],
            trialPeriodDays: 14,
            seats: null,
            prices: {
              monthly: { lookupKey: "pro_monthly", amount: 2900, currency: "usd" },
              annual: { lookupKey: "pro_yearly", amount: 29000, currency: "usd" },
            },
          },
        ],
      },
    });
  });

  async function checkedOutPriceId(body: object) {
    const { token } = await signUp(t);
    const response = await checkout(body, token);
    expect(response.status, JSON.stringify(body)).toBe(200);
    const session = ((await response.json()) as { data: { id: string } }).data;
    const [recorded] = await t.portico.database.db
      .select({ priceId: checkoutSessions.priceId })
      .from(checkoutSessions)
      .where(eq(checkoutSessions.stripeSessionId, session.id));
    return recorded?.priceId;
  }

  async function priceIdOf(lookupKey: string) {
    const listed = await t.stripe.test.prices.list({ lookup_keys: [lookupKey] });
    return listed.data[0]?.id;
  }

  it("checks out a plan's price by plan and interval, monthly by default", async () => {
    expect(await checkedOutPriceId({ plan: "pro", interval: "annual" })).toBe(
      await priceIdOf("pro_yearly"),
    );
    expect(await checkedOutPriceId({ plan: "pro" })).toBe(await priceIdOf("pro_monthly"));
    expect(await checkedOutPriceId({ plan: "solo", interval: "monthly" })).toBe(
      await priceIdOf("solo_monthly"),
    );
    expect(await checkedOutPriceId({ price: "pro_yearly" })).toBe(await priceIdOf("pro_yearly"));
  });

  it("refuses an unknown or free plan, a missing interval, and plan with price, naming the field", async () => {
    const { token, user } = await signUp(t);
    const cases: [object, string, RegExp][] = [
      [{ plan: "enterprise" }, "plan", /enterprise.*not in portico\.config\.json/],
      [{ plan: "free" }, "plan", /free/],
      [{ plan: "solo", interval: "annual" }, "interval", /no annual price/],
      [{ plan: "pro", interval: "weekly" }, "interval", /interval/],
      [{ plan: "pro", price: "pro_monthly" }, "price", /either plan or price/],
      [{ price: "pro_monthly", interval: "annual" }, "interval", /interval/],
      [{}, "plan", /plan is required/],
      [{ successUrl: "http://localhost:3000/x" }, "plan", /plan is required/],
    ];
    for (const [body, field, message] of cases) {
      const response = await checkout(body, token);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const { error } = (await response.json()) as {
        error: { code: string; message: string; details: { path: string[] }[] };
      };
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details[0]?.path, JSON.stringify(body)).toEqual([field]);
      expect(error.message).toMatch(message);
    }
    // Refused before Stripe was asked anything: no customer was created for the user.
    expect(
      await findBillingCustomer(t.portico.database.db, userSubjectId(user.id), false),
    ).toBeUndefined();
  });
});

describe("GET /api/billing/plans without a billing file", () => {
  it("answers no plans", async () => {
    const t = await startTestPortico();
    try {
      const response = await fetch(`${t.url}/api/billing/plans`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ success: true, data: { plans: [] } });
    } finally {
      await t.close();
    }
  });
});
