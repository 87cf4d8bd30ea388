import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import {
  BillingConfigError,
  parseBillingConfig,
  readBillingConfigFile,
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
