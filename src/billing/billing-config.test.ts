import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import {
  BillingConfigError,
  parseBillingConfig,
  readBillingConfigFile,
  resolveAdjustableQuantity,
  withBillingConfig,
} from "./billing-config.js";
import { createBillingConfigJsonSchema } from "./billing-config-schema.js";
import { createPlanCatalog } from "./plans.js";

const root = new URL("../../", import.meta.url);

function problemsOf(input: unknown): string[] {
  try {
    parseBillingConfig(input);
  } catch (error) {
    if (error instanceof BillingConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be invalid");
}

describe("portico.config.json", () => {
  it("the committed JSON Schema is the one generated from the zod schema", async () => {
    const committed = JSON.parse(
      await readFile(new URL("portico.config.schema.json", root), "utf8"),
    );
    expect(committed).toEqual(createBillingConfigJsonSchema());
  });

  it("the shipped example parses and keeps the keys the demo and tests rely on", async () => {
    const config = await readBillingConfigFile(new URL("portico.config.json", root).pathname);
    if (!config) throw new Error("example missing");
    const plans = createPlanCatalog(config);
    expect(plans.plans.map((plan) => plan.key)).toEqual(["free", "starter", "pro"]);
    expect(plans.planForPrice("pro_annual")?.key).toBe("pro");
    expect(plans.planForPrice("starter_monthly")?.prices).toHaveLength(2);
    expect(plans.planForPrice("nope")).toBeUndefined();
    plans.rememberPriceIds([{ id: "price_123", lookupKey: "starter_annual" }]);
    expect(plans.planForPrice("price_123")?.key).toBe("starter");
    expect(config.portal_configurations.find((c) => c.default)?.name).toBe("default");
  });

  it("reports every problem at once, each with its JSON path", () => {
    const problems = problemsOf({
      plans: [
        { key: "free", name: "Free" },
        { key: "pro", name: "Pro", prices: { monthly: { amount: "29" }, annual: { amount: 1.5 } } },
        { key: "Bad Key", name: "" },
      ],
      portal_configurations: [{ name: "default", features: { invoice_history: {} } }],
      surprise: true,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^plans\[1\]\.prices\.monthly\.amount: .*expected number/),
        expect.stringMatching(/^plans\[1\]\.prices\.annual\.amount: .*int/),
        expect.stringMatching(/^plans\[2\]\.key: /),
        expect.stringMatching(/^plans\[2\]\.name: /),
        expect.stringMatching(/^portal_configurations\[0\]\.features\.invoice_history\.enabled: /),
        expect.stringMatching(/surprise/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it("checks references: plan keys in the portal, one default, unique lookup keys", () => {
    const problems = problemsOf({
      plans: [
        { key: "pro", name: "Pro", prices: { monthly: { amount: 100 } } },
        {
          key: "pro2",
          name: "Pro 2",
          prices: { monthly: { amount: 100, lookup_key: "pro_monthly" } },
        },
      ],
      portal_configurations: [
        {
          name: "a",
          features: {
            subscription_update: {
              enabled: true,
              products: [{ plan: "missing" }, { plan: "pro" }],
            },
          },
        },
      ],
    });
    expect(problems).toEqual([
      'plans: the lookup_key "pro_monthly" is used more than once',
      'portal_configurations: exactly one configuration must have "default": true (found 0)',
      'portal_configurations[0].features.subscription_update.products[0].plan: no plan has the key "missing"',
      'portal_configurations[0].features.subscription_update.products[1].prices: plan "pro" has no annual price',
    ]);
  });

  it("merges allowed origins and configuration names into the environment's config", () => {
    const env = loadConfig({
      APP_URL: "https://app.example.com",
      RETURN_URL_ORIGINS: "https://a.example.com",
    });
    const file = parseBillingConfig({
      allowed_origins: ["https://b.example.com/path"],
      portal_configurations: [
        { name: "default", default: true, features: {} },
        { name: "retention", features: {} },
      ],
    });
    const merged = withBillingConfig(env, file);
    expect(merged.allowedOrigins).toEqual([
      "https://app.example.com",
      "https://a.example.com",
      "https://b.example.com",
    ]);
    expect(merged.portal).toEqual({
      allowedConfigurations: ["default", "retention"],
      defaultConfiguration: "default",
    });
    expect(withBillingConfig(env, undefined)).toBe(env);
  });

  it("an absent file means no catalog; a file that is not JSON is an error", async () => {
    expect(await readBillingConfigFile("/nonexistent/portico.config.json")).toBeUndefined();
    await expect(readBillingConfigFile(new URL("README.md", root).pathname)).rejects.toThrow(
      /not valid JSON/,
    );
  });
});

describe("per-seat plans and adjustable_quantity", () => {
  const seatPlan = (seats: unknown) => ({
    key: "team",
    name: "Team",
    seats,
    prices: { monthly: { amount: 1200 } },
  });
  const portalWith = (product: Record<string, unknown>, allowed = ["price", "quantity"]) => ({
    name: "default",
    default: true,
    features: {
      subscription_update: {
        enabled: true,
        products: [{ plan: "team", prices: ["monthly"], ...product }],
        default_allowed_updates: allowed,
      },
    },
  });

  it("the per-seat fixture parses: seats bounds, and limits defaulting to them", async () => {
    const config = await readBillingConfigFile(
      new URL("./__fixtures__/per-seat.portico.config.json", import.meta.url).pathname,
    );
    if (!config) throw new Error("fixture missing");
    expect(config.plans.find((plan) => plan.key === "team")?.seats).toEqual({
      minimum: 2,
      maximum: 50,
    });
    expect(config.plans.find((plan) => plan.key === "starter")?.seats).toBeUndefined();
    const [starter, team] = config.portal_configurations[0]?.features.subscription_update
      ?.products ?? [undefined, undefined];
    const plan = (key: string) => config.plans.find((candidate) => candidate.key === key);
    expect(resolveAdjustableQuantity(plan("team"), team?.adjustable_quantity)).toEqual({
      enabled: true,
      maximum: 50,
      minimum: 2,
    });
    expect(resolveAdjustableQuantity(plan("starter"), starter?.adjustable_quantity)).toEqual({
      enabled: false,
      maximum: null,
      minimum: 1,
    });
  });

  it("seats.minimum defaults to 1 and maximum may be left out (no limit)", () => {
    const config = parseBillingConfig({ plans: [seatPlan({})] });
    expect(config.plans[0]?.seats).toEqual({ minimum: 1 });
    const limits = resolveAdjustableQuantity(config.plans[0], { enabled: true, maximum: 10 });
    expect(limits).toEqual({ enabled: true, maximum: 10, minimum: 1 });
  });

  it("refuses seats on a free plan, naming it, and bounds that do not make sense", () => {
    expect(
      problemsOf({
        plans: [
          { key: "free", name: "Free", seats: { minimum: 1 } },
          seatPlan({ minimum: 5, maximum: 3 }),
          { ...seatPlan({ minimum: 0 }), key: "zero" },
        ],
      }),
    ).toEqual([
      'plans[0].seats: plan "free" is free (no prices), so it cannot be per-seat; remove seats or add prices',
      "plans[1].seats.maximum: maximum must be at least minimum",
      expect.stringMatching(/^plans\[2\]\.seats\.minimum: .*>=1/),
    ]);
  });

  it("refuses adjustable_quantity on a plan that is not per-seat, naming the plan", () => {
    const problems = problemsOf({
      plans: [{ key: "team", name: "Team", prices: { monthly: { amount: 1200 } } }],
      portal_configurations: [portalWith({ adjustable_quantity: { enabled: true } })],
    });
    expect(problems).toEqual([
      'portal_configurations[0].features.subscription_update.products[0].adjustable_quantity: plan "team" is not per-seat; give it seats to let customers change its quantity',
    ]);
  });

  it("keeps the portal's limits within the plan's seats", () => {
    const path = "portal_configurations[0].features.subscription_update.products[0]";
    const plans = [seatPlan({ minimum: 2, maximum: 50 })];
    const limits = (adjustable_quantity: unknown) =>
      problemsOf({ plans, portal_configurations: [portalWith({ adjustable_quantity })] });
    expect(limits({ enabled: true, minimum: 1, maximum: 60 })).toEqual([
      `${path}.adjustable_quantity.minimum: 1 is outside plan "team"'s seats (2 to 50)`,
      `${path}.adjustable_quantity.maximum: 60 is outside plan "team"'s seats (2 to 50)`,
    ]);
    expect(limits({ enabled: true, minimum: 10, maximum: 5 })).toEqual([
      `${path}.adjustable_quantity: the minimum (10) is above the maximum (5)`,
    ]);
    expect(
      problemsOf({
        plans: [seatPlan({ minimum: 3 })],
        portal_configurations: [portalWith({ adjustable_quantity: { enabled: true, minimum: 2 } })],
      }),
    ).toEqual([
      `${path}.adjustable_quantity.minimum: 2 is outside plan "team"'s seats (at least 3)`,
    ]);
    // Limits inside the seats, and limits on a product where the feature is off, are fine.
    const ok = (adjustable_quantity: unknown) =>
      parseBillingConfig({ plans, portal_configurations: [portalWith({ adjustable_quantity })] });
    expect(() => ok({ enabled: true, minimum: 5, maximum: 20 })).not.toThrow();
    expect(() => ok({ enabled: false })).not.toThrow();
  });

  it('requires "quantity" in default_allowed_updates when a product enables adjustable_quantity', () => {
    const problems = problemsOf({
      plans: [seatPlan({ minimum: 2 })],
      portal_configurations: [portalWith({ adjustable_quantity: { enabled: true } }, ["price"])],
    });
    expect(problems).toEqual([
      'portal_configurations[0].features.subscription_update.default_allowed_updates: add "quantity", since adjustable_quantity is enabled for "team"',
    ]);
  });
});
