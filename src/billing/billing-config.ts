import { readFile } from "node:fs/promises";
import type { Config } from "../config.js";
import type { AdjustableQuantity } from "../stripe/catalog-types.js";
import {
  type BillingConfig,
  BillingConfigSchema,
  type PlanConfig,
  type PortalProductConfig,
  type PriceInterval,
} from "./billing-config-schema.js";

/**
 * Loads and checks `portico.config.json`. Every problem is reported at once,
 * each with the JSON path it concerns, so one edit-and-retry fixes them all.
 */

export class BillingConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${file}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "BillingConfigError";
  }
}

/** `["plans", 1, "prices"]` → `plans[1].prices` */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

export function parseBillingConfig(input: unknown, file = "portico.config.json"): BillingConfig {
  const parsed = BillingConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new BillingConfigError(
      file,
      parsed.error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${issue.message}`),
    );
  }
  const problems = findReferenceProblems(parsed.data);
  if (problems.length > 0) throw new BillingConfigError(file, problems);
  return parsed.data;
}

/** Undefined when the file does not exist: Portico then runs without a catalog. */
export async function readBillingConfigFile(path: string): Promise<BillingConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BillingConfigError(path, [`(root): not valid JSON (${(error as Error).message})`]);
  }
  return parseBillingConfig(json, path);
}

export function lookupKeyFor(plan: PlanConfig, interval: PriceInterval): string {
  return plan.prices?.[interval]?.lookup_key ?? `${plan.key}_${interval}`;
}

/**
 * A portal product's `adjustable_quantity` as Stripe will hold it: Stripe's
 * defaults when off, and the plan's seat bounds for limits the file leaves out.
 */
export function resolveAdjustableQuantity(
  plan: PlanConfig | undefined,
  setting: PortalProductConfig["adjustable_quantity"],
): AdjustableQuantity {
  if (!setting?.enabled)
    return { enabled: false, maximum: setting?.maximum ?? null, minimum: setting?.minimum ?? 1 };
  return {
    enabled: true,
    maximum: setting.maximum ?? plan?.seats?.maximum ?? null,
    minimum: setting.minimum ?? plan?.seats?.minimum ?? 1,
  };
}

/** Every price the file declares, with its resolved lookup key. */
export function listDeclaredPrices(config: BillingConfig) {
  return config.plans.flatMap((plan) =>
    (["monthly", "annual"] as const).flatMap((interval) => {
      const price = plan.prices?.[interval];
      if (!plan.prices || !price) return [];
      return [
        {
          plan,
          interval,
          lookupKey: lookupKeyFor(plan, interval),
          amount: price.amount,
          currency: plan.prices.currency,
          trialPeriodDays: plan.prices.trial_period_days,
        },
      ];
    }),
  );
}

export type DeclaredPrice = ReturnType<typeof listDeclaredPrices>[number];

export function findDefaultConfigurationName(config: BillingConfig): string | undefined {
  return config.portal_configurations.find((configuration) => configuration.default)?.name;
}

/** Folds the file's origins and configuration names into the environment's config. */
export function withBillingConfig(config: Config, file: BillingConfig | undefined): Config {
  if (!file) return config;
  const names = file.portal_configurations.map((configuration) => configuration.name);
  const defaultConfiguration =
    config.portal.defaultConfiguration ?? findDefaultConfigurationName(file);
  return {
    ...config,
    allowedOrigins: [
      ...new Set([...config.allowedOrigins, ...file.allowed_origins.map((o) => new URL(o).origin)]),
    ],
    portal: {
      allowedConfigurations: [...new Set([...config.portal.allowedConfigurations, ...names])],
      defaultConfiguration,
    },
  };
}

function findDuplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, i) => values.indexOf(value) !== i))];
}

function findReferenceProblems(config: BillingConfig): string[] {
  const problems: string[] = [];
  for (const key of findDuplicates(config.plans.map((plan) => plan.key)))
    problems.push(`plans: the key "${key}" is used more than once`);
  for (const key of findDuplicates(listDeclaredPrices(config).map((price) => price.lookupKey)))
    problems.push(`plans: the lookup_key "${key}" is used more than once`);
  config.plans.forEach((plan, i) => {
    if (plan.prices && !plan.prices.monthly && !plan.prices.annual)
      problems.push(`plans[${i}].prices: give monthly, annual or both (omit prices for free)`);
  });

  const configurations = config.portal_configurations;
  for (const name of findDuplicates(configurations.map((configuration) => configuration.name)))
    problems.push(`portal_configurations: the name "${name}" is used more than once`);
  const defaults = configurations.filter((configuration) => configuration.default).length;
  if (configurations.length > 0 && defaults !== 1)
    problems.push(
      `portal_configurations: exactly one configuration must have "default": true (found ${defaults})`,
    );

  configurations.forEach((configuration, i) => {
    const update = configuration.features.subscription_update;
    update?.products.forEach((entry, j) => {
      const path = `portal_configurations[${i}].features.subscription_update.products[${j}]`;
      const plan = config.plans.find((candidate) => candidate.key === entry.plan);
      if (!plan) {
        problems.push(`${path}.plan: no plan has the key "${entry.plan}"`);
        return;
      }
      for (const interval of entry.prices) {
        if (!plan.prices?.[interval])
          problems.push(`${path}.prices: plan "${plan.key}" has no ${interval} price`);
      }
      problems.push(...findQuantityProblems(plan, entry, `${path}.adjustable_quantity`));
    });
    if (update?.enabled && update.products.length === 0)
      problems.push(
        `portal_configurations[${i}].features.subscription_update.products: list at least one plan when enabled`,
      );
    // default_allowed_updates is what the portal offers on the listed products: without
    // "quantity" the per-product limits would silently do nothing. Stripe does not add it
    // for us, and neither do we: the file should read as what Stripe will hold.
    const adjustable = update?.products.filter((entry) => entry.adjustable_quantity?.enabled);
    if (adjustable?.length && !update?.default_allowed_updates.includes("quantity"))
      problems.push(
        `portal_configurations[${i}].features.subscription_update.default_allowed_updates: add "quantity", since adjustable_quantity is enabled for ${adjustable.map((entry) => `"${entry.plan}"`).join(", ")}`,
      );
    const reason = configuration.features.subscription_cancel?.cancellation_reason;
    if (reason?.enabled && reason.options.length === 0)
      problems.push(
        `portal_configurations[${i}].features.subscription_cancel.cancellation_reason.options: list at least one reason when enabled`,
      );
  });
  return problems;
}

function findQuantityProblems(
  plan: PlanConfig,
  entry: PortalProductConfig,
  path: string,
): string[] {
  const setting = entry.adjustable_quantity;
  if (!setting?.enabled) return [];
  if (!plan.seats)
    return [
      `${path}: plan "${plan.key}" is not per-seat; give it seats to let customers change its quantity`,
    ];
  const { minimum, maximum } = plan.seats;
  const bounds = maximum === undefined ? `at least ${minimum}` : `${minimum} to ${maximum}`;
  const outside = (value: number | undefined) =>
    value !== undefined && (value < minimum || (maximum !== undefined && value > maximum));
  const problems = (["minimum", "maximum"] as const).flatMap((field) =>
    outside(setting[field])
      ? [`${path}.${field}: ${setting[field]} is outside plan "${plan.key}"'s seats (${bounds})`]
      : [],
  );
  const resolved = resolveAdjustableQuantity(plan, setting);
  if (problems.length === 0 && resolved.maximum !== null && resolved.maximum < resolved.minimum)
    problems.push(
      `${path}: the minimum (${resolved.minimum}) is above the maximum (${resolved.maximum})`,
    );
  return problems;
}
