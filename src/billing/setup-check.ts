import type { Logger } from "pino";
import type { Config, StripeMode } from "../config.js";
import type { StripeGateway } from "../stripe/gateway.js";
import { listDeclaredPrices } from "./billing-config.js";
import type { BillingConfig } from "./billing-config-schema.js";
import type { PlanCatalog } from "./plans.js";
import { portalNotConfigured } from "./portal-configurations.js";

const CHECK_TIMEOUT_MS = 5_000;
/** How long a failed check is trusted before a portal request checks again (after an apply). */
const RECHECK_AFTER_MS = 10_000;

/**
 * Checks at startup that each Stripe mode has what the billing file needs: the
 * default portal configuration (or, when Portico manages none, a Dashboard
 * default) and every plan's price. A failure is one actionable log line, and
 * portal requests then answer PORTAL_NOT_CONFIGURED instead of a Stripe error.
 */
export function createSetupCheck(deps: {
  stripe: Pick<StripeGateway, "modes" | "listPortalConfigurations" | "findPricesByLookupKeys">;
  config: Pick<Config, "portal">;
  billing: BillingConfig | undefined;
  plans: Pick<PlanCatalog, "rememberPriceIds">;
  logger: Pick<Logger, "warn" | "info">;
}) {
  const { stripe, config, billing, plans, logger } = deps;
  const results = new Map<StripeMode, { at: number; problem: string | undefined }>();
  const lookupKeys = billing ? listDeclaredPrices(billing).map((price) => price.lookupKey) : [];

  async function findProblems(mode: StripeMode): Promise<string[]> {
    const problems: string[] = [];
    const [configurations, prices] = await Promise.all([
      stripe.listPortalConfigurations(mode),
      stripe.findPricesByLookupKeys(mode, lookupKeys),
    ]);
    const wanted = config.portal.defaultConfiguration;
    if (wanted !== undefined) {
      const found = configurations.some(
        (item) => item.active && (item.id === wanted || item.name === wanted),
      );
      if (!found) problems.push(`portal configuration "${wanted}" is missing or inactive`);
    } else if (!configurations.some((item) => item.isDefault && item.active)) {
      problems.push("no portal configuration is saved as the Dashboard default");
    }
    const active = prices.filter((price) => price.active);
    plans.rememberPriceIds(active);
    const missing = lookupKeys.filter((key) => !active.some((price) => price.lookupKey === key));
    if (missing.length > 0) problems.push(`prices missing: ${missing.join(", ")}`);
    return problems;
  }

  async function checkMode(mode: StripeMode): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
    });
    try {
      const problems = await Promise.race([findProblems(mode), timeout]);
      const problem = problems.length > 0 ? problems.join("; ") : undefined;
      results.set(mode, { at: Date.now(), problem });
      if (problem)
        logger.warn(
          `Billing setup incomplete in ${mode} mode: ${problem}. Run \`portico stripe apply --mode ${mode}\``,
        );
    } catch (error) {
      // Stripe unreachable: say so and carry on; the portal reports its own errors.
      results.delete(mode);
      logger.warn(
        `Could not check the billing setup in ${mode} mode (${(error as Error).message}); continuing`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every configured mode, concurrently; never throws. */
  async function run(): Promise<void> {
    await Promise.all(stripe.modes().map(checkMode));
  }

  /**
   * Throws PORTAL_NOT_CONFIGURED while the last check found a problem. Only with
   * a billing file: without one Portico makes no promises about the account.
   */
  async function assertReady(mode: StripeMode): Promise<void> {
    if (!billing) return;
    let result = results.get(mode);
    if (result?.problem && Date.now() - result.at > RECHECK_AFTER_MS) {
      await checkMode(mode);
      result = results.get(mode);
    }
    if (result?.problem)
      throw portalNotConfigured(
        mode,
        `Billing setup incomplete in ${mode} mode: ${result.problem}`,
      );
  }

  return { run, assertReady, problem: (mode: StripeMode) => results.get(mode)?.problem };
}

export type SetupCheck = ReturnType<typeof createSetupCheck>;
