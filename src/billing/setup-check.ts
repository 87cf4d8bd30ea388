import type { Logger } from "pino";
import type { Config, StripeMode } from "../config.js";
import type { PortalConfigurationSummary, StripeGateway } from "../stripe/gateway.js";
import { listDeclaredPrices } from "./billing-config.js";
import type { BillingConfig } from "./billing-config-schema.js";
import {
  describeStripeUnreachable,
  reachStripeAdvice,
  stripeApiHost,
} from "./doctor/stripe-reach.js";
import type { PlanCatalog } from "./plans.js";
import { portalNotConfigured } from "./portal-configurations.js";

const CHECK_TIMEOUT_MS = 5_000;
/** How long a failed check is trusted before a portal request checks again (after an apply). */
const RECHECK_AFTER_MS = 10_000;

/** Why portal sessions would fail for want of a configuration, or undefined. */
export function findPortalProblem(
  configurations: PortalConfigurationSummary[],
  wanted: string | undefined,
): string | undefined {
  if (wanted !== undefined) {
    const found = configurations.some(
      (item) => item.active && (item.id === wanted || item.name === wanted),
    );
    return found ? undefined : `portal configuration "${wanted}" is missing or inactive`;
  }
  return configurations.some((item) => item.isDefault && item.active)
    ? undefined
    : "no portal configuration is saved as the Dashboard default";
}

/** The lookup keys no active price holds. */
export function findMissingPrices(
  prices: { lookupKey: string; active: boolean }[],
  lookupKeys: string[],
): string[] {
  return lookupKeys.filter(
    (key) => !prices.some((price) => price.active && price.lookupKey === key),
  );
}

/**
 * Checks at startup that each Stripe mode has what the billing file needs: the
 * default portal configuration (or, when Portico manages none, a Dashboard
 * default) and every plan's price. A failure is one actionable log line, and
 * portal requests then answer PORTAL_NOT_CONFIGURED instead of a Stripe error.
 */
export function createSetupCheck(deps: {
  stripe: Pick<StripeGateway, "modes" | "listPortalConfigurations" | "findPricesByLookupKeys">;
  /** `stripe.apiBase` names the host in "could not reach" messages (api.stripe.com without it). */
  config: Pick<Config, "portal"> & { stripe?: Pick<Config["stripe"], "apiBase"> };
  billing: BillingConfig | undefined;
  plans: Pick<PlanCatalog, "rememberPriceIds">;
  logger: Pick<Logger, "warn" | "info">;
}) {
  const { stripe, config, billing, plans, logger } = deps;
  const results = new Map<StripeMode, { at: number; problem: string | undefined }>();
  /** Why the last check of a mode could not reach Stripe, for readiness. */
  const unreachable = new Map<StripeMode, { at: number; reason: string }>();
  const lookupKeys = billing ? listDeclaredPrices(billing).map((price) => price.lookupKey) : [];

  async function findProblems(mode: StripeMode): Promise<string[]> {
    const problems: string[] = [];
    const [configurations, prices] = await Promise.all([
      stripe.listPortalConfigurations(mode),
      stripe.findPricesByLookupKeys(mode, lookupKeys),
    ]);
    const portalProblem = findPortalProblem(configurations, config.portal.defaultConfiguration);
    if (portalProblem) problems.push(portalProblem);
    plans.rememberPriceIds(prices.filter((price) => price.active));
    const missing = findMissingPrices(prices, lookupKeys);
    if (missing.length > 0) problems.push(`prices missing: ${missing.join(", ")}`);
    return problems;
  }

  /** The newest check begun per mode: an older one still in flight must not overwrite it. */
  let checksBegun = 0;
  const newestBegun = new Map<StripeMode, number>();

  async function checkMode(mode: StripeMode): Promise<void> {
    const check = ++checksBegun;
    newestBegun.set(mode, check);
    // E.g. the startup check, begun before `portico stripe apply`, answering after a recheck.
    const superseded = () => newestBegun.get(mode) !== check;
    let timer: NodeJS.Timeout | undefined;
    const apiBase = config.stripe?.apiBase;
    const timedOut = new Error(
      `${stripeApiHost(apiBase)}: no answer within ${CHECK_TIMEOUT_MS / 1000} s`,
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut), CHECK_TIMEOUT_MS);
    });
    try {
      const problems = await Promise.race([findProblems(mode), timeout]);
      if (superseded()) return;
      const problem = problems.length > 0 ? problems.join("; ") : undefined;
      results.set(mode, { at: Date.now(), problem });
      unreachable.delete(mode);
      if (problem)
        logger.warn(
          `Billing setup incomplete in ${mode} mode: ${problem}. Run \`portico stripe apply --mode ${mode}\``,
        );
    } catch (error) {
      if (superseded()) return;
      // Stripe unreachable: say so and carry on; the portal reports its own errors.
      const offline =
        error === timedOut ? timedOut.message : describeStripeUnreachable(error, apiBase);
      const reason = offline ?? (error as Error).message;
      results.delete(mode);
      unreachable.set(mode, { at: Date.now(), reason });
      logger.warn(
        `Could not check the billing setup in ${mode} mode (${reason}); continuing. ` +
          (offline
            ? `Next: ${reachStripeAdvice(apiBase)}, then run \`portico doctor\``
            : "Next: run `portico doctor`"),
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

  /**
   * The mode's state for readiness and `portico doctor`: the last result if it
   * is younger than `maxAgeMs`, else a fresh check.
   */
  async function status(
    mode: StripeMode,
    maxAgeMs: number,
  ): Promise<{ ok: true } | { ok: false; problem: string }> {
    const fresh = (at: number | undefined) => at !== undefined && Date.now() - at <= maxAgeMs;
    if (!fresh(results.get(mode)?.at) && !fresh(unreachable.get(mode)?.at)) await checkMode(mode);
    const failure = unreachable.get(mode);
    if (failure) return { ok: false, problem: `could not reach Stripe (${failure.reason})` };
    const problem = results.get(mode)?.problem;
    return problem ? { ok: false, problem } : { ok: true };
  }

  return { run, assertReady, status, problem: (mode: StripeMode) => results.get(mode)?.problem };
}

export type SetupCheck = ReturnType<typeof createSetupCheck>;
