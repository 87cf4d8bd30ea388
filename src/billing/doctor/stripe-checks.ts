import type { StripeMode } from "../../config.js";
import { classifyStripeOutcome } from "../../stripe/call-metrics.js";
import type { WebhookEndpointSummary } from "../../stripe/diagnostics.js";
import { listDeclaredPrices } from "../billing-config.js";
import { findMissingPrices, findPortalProblem } from "../setup-check.js";
import { SERVER_TARGET } from "./checklist-target.js";
import { type DoctorCheck, type DoctorDeps, fail, pass, skippedOffline } from "./checks.js";
import { maskKey } from "./setup-checklist.js";
import { describeStripeUnreachable, reachStripeAdvice, stripeApiOrigin } from "./stripe-reach.js";

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * For each mode with a key, what only Stripe can answer: the key is accepted, the portal
 * configuration and prices exist, an endpoint sends the handled events. The setup
 * checklist's offline items (keys, webhook secrets, APP_URL) are run-doctor's.
 */
export async function checkStripe(deps: DoctorDeps): Promise<Map<StripeMode, DoctorCheck[]>> {
  const modes = deps.stripe.modes();
  const checks = await Promise.all(modes.map((mode) => checkMode(deps, mode)));
  return new Map(modes.map((mode, index) => [mode, checks[index] ?? []]));
}

async function checkMode(deps: DoctorDeps, mode: StripeMode): Promise<DoctorCheck[]> {
  const { config, stripe, diagnostics, target = SERVER_TARGET } = deps;
  const name = (check: string) => `stripe_${mode}_${check}`;
  const key = config.stripe.keys[mode] ?? "";
  try {
    await diagnostics.verifyKey(mode);
  } catch (error) {
    if (classifyStripeOutcome(error) !== "auth_error") {
      const offline = describeStripeUnreachable(error, config.stripe.apiBase);
      const reason = offline ?? (error as Error).message;
      return [
        fail(
          name("key"),
          offline
            ? `could not reach Stripe in ${mode} mode (${reason})`
            : `Stripe did not answer in ${mode} mode (${reason})`,
          `${reachStripeAdvice(config.stripe.apiBase)}, then run doctor again`,
        ),
        ...["portal", "prices", "webhook_endpoint"].map((check) =>
          skippedOffline(name(check), reason),
        ),
      ];
    }
    return [
      fail(
        name("key"),
        `${mode}-mode key ${maskKey(key)} was refused (${(error as Error).message})`,
        target.setKey(
          mode,
          "a secret or restricted key from the Stripe Dashboard (Developers → API keys)",
        ),
      ),
    ];
  }
  const apply = `run \`portico stripe apply --mode ${mode}${target.flags}\``;
  const lookupKeys = deps.billing
    ? listDeclaredPrices(deps.billing).map((price) => price.lookupKey)
    : [];
  const [configurations, prices, endpoints] = await Promise.all([
    stripe.listPortalConfigurations(mode),
    stripe.findPricesByLookupKeys(mode, lookupKeys),
    diagnostics.listWebhookEndpoints(mode),
  ]);

  const checks = [pass(name("key"), `${mode}-mode key ${maskKey(key)} is accepted`)];
  const portalProblem = findPortalProblem(configurations, config.portal.defaultConfiguration);
  checks.push(
    portalProblem
      ? fail(
          name("portal"),
          portalProblem,
          deps.billing
            ? apply
            : "save the portal settings in the Stripe Dashboard (Settings → Billing → Customer portal)",
        )
      : pass(name("portal"), "the default portal configuration exists"),
  );

  const missing = findMissingPrices(prices, lookupKeys);
  if (!deps.billing)
    checks.push({
      name: name("prices"),
      status: "skip",
      message: "no billing file: no plans to check",
    });
  else
    checks.push(
      missing.length === 0
        ? pass(name("prices"), `all ${lookupKeys.length} plan prices exist`)
        : fail(name("prices"), `prices missing: ${missing.join(", ")}`, apply),
    );

  checks.push(checkWebhookEndpoint(deps, mode, endpoints));
  return checks;
}

function checkWebhookEndpoint(
  deps: DoctorDeps,
  mode: StripeMode,
  endpoints: WebhookEndpointSummary[],
): DoctorCheck {
  const name = `stripe_${mode}_webhook_endpoint`;
  const url =
    deps.webhookUrl ?? (deps.target ?? SERVER_TARGET).webhookUrl(mode, deps.config.appUrl);
  const events = deps.webhookEvents;
  // Sent where the key works: an emulator's endpoints are created on the emulator.
  const api = stripeApiOrigin(deps.config.stripe.apiBase);
  const create =
    `create it in the Stripe Dashboard (Developers → Webhooks) or with\n` +
    `  curl ${api}/v1/webhook_endpoints -u "$STRIPE_SECRET_KEY:" -d url=${url} ` +
    events.map((event) => `-d "enabled_events[]=${event}"`).join(" ");
  const matching = endpoints.filter((endpoint) => sameUrl(endpoint.url, url));
  if (matching.length === 0) {
    const others = endpoints.map((endpoint) => endpoint.url);
    const seen = others.length > 0 ? ` (endpoints: ${others.join(", ")})` : "";
    return fail(name, `no webhook endpoint sends to ${url}${seen}`, create);
  }
  const enabled = matching.filter((endpoint) => endpoint.enabled);
  if (enabled.length === 0)
    return fail(
      name,
      `the endpoint for ${url} is disabled`,
      `enable ${matching[0]?.id} in the Stripe Dashboard`,
    );
  const best = enabled
    .map((endpoint) => ({
      endpoint,
      missing: endpoint.enabledEvents.includes("*")
        ? []
        : events.filter((event) => !endpoint.enabledEvents.includes(event)),
    }))
    .sort((a, b) => a.missing.length - b.missing.length)[0];
  if (!best || best.missing.length > 0) {
    return fail(
      name,
      `${best?.endpoint.id} does not send ${best?.missing.join(", ")}`,
      `add those events to ${best?.endpoint.id} (Stripe Dashboard → Webhooks → Update details)`,
    );
  }
  return pass(name, `${best.endpoint.id} sends the ${events.length} events sync needs to ${url}`);
}
