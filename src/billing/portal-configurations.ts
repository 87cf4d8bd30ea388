import type { Config, StripeMode } from "../config.js";
import { PorticoError } from "../errors.js";
import type { PortalConfigurationSummary, StripeGateway } from "../stripe/gateway.js";

const CACHE_TTL_MS = 60_000;

export const portalNotConfigured = (mode: StripeMode, detail: string) =>
  new PorticoError(
    "PORTAL_NOT_CONFIGURED",
    `${detail}. Run \`portico stripe apply --mode ${mode}\`, or save the portal settings in the Stripe Dashboard.`,
    { retryAfter: 60 },
  );

/**
 * Resolves the configuration a portal session uses. Clients may only name
 * configurations the operator allowed; names resolve to ids through the
 * `portico_key` metadata that `portico stripe apply` sets.
 */
export function createPortalConfigurationResolver(deps: {
  stripe: StripeGateway;
  config: Pick<Config, "portal">;
  /** The startup check: while it has found the account incomplete, say so instead. */
  setup?: { assertReady(mode: StripeMode): Promise<void> } | undefined;
}) {
  const { stripe, config, setup } = deps;
  const { allowedConfigurations, defaultConfiguration } = config.portal;
  const cache = new Map<StripeMode, { at: number; list: Promise<PortalConfigurationSummary[]> }>();

  function listConfigurations(mode: StripeMode) {
    const hit = cache.get(mode);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.list;
    const list = stripe.listPortalConfigurations(mode);
    cache.set(mode, { at: Date.now(), list });
    list.catch(() => cache.delete(mode));
    return list;
  }

  function isAllowed(requested: string) {
    return allowedConfigurations.includes(requested);
  }

  /** The id to pass to Stripe, or undefined to let Stripe use the Dashboard default. */
  async function resolve(
    mode: StripeMode,
    requested: string | undefined,
  ): Promise<string | undefined> {
    await setup?.assertReady(mode);
    const wanted = requested ?? defaultConfiguration;
    if (wanted === undefined) return undefined;
    // An archived configuration may share its name with the live one; prefer the active.
    const matches = (await listConfigurations(mode)).filter(
      (candidate) => candidate.id === wanted || candidate.name === wanted,
    );
    const found = matches.find((candidate) => candidate.active) ?? matches[0];
    if (!found?.active) {
      cache.delete(mode);
      throw portalNotConfigured(
        mode,
        `Portal configuration "${wanted}" does not exist or is inactive in ${mode} mode`,
      );
    }
    return found.id;
  }

  return { isAllowed, resolve, invalidate: () => cache.clear() };
}

export type PortalConfigurationResolver = ReturnType<typeof createPortalConfigurationResolver>;
