import type { Config, StripeMode } from "../../config.js";
import { type ChecklistTarget, SERVER_TARGET } from "./checklist-target.js";
import { stripeApiHost, stripeApiOrigin } from "./stripe-reach.js";

/**
 * The setup checklist: what moving from the emulator to a real Stripe account needs, each
 * with its state and the exact next step. These items need no network, so `portico start`
 * prints them at once and `portico doctor` shows them even when Stripe is unreachable; the
 * checks that ask Stripe (portal, prices, the webhook endpoint) run in the background at
 * start and in `portico doctor`.
 */

export type SetupItemStatus = "ok" | "missing" | "problem" | "skipped-offline";

export interface SetupItem {
  name: string;
  status: SetupItemStatus;
  message: string;
  /** What to do; for an ok item, what to do next when moving on (e.g. off the emulator). */
  next?: string;
}

export interface SetupChecklistInput {
  config: Pick<Config, "env" | "port" | "appUrl" | "allowedOrigins" | "stripe">;
  /** `portico start` with no key: the embedded emulator stands in for Stripe and signs its webhooks. */
  emulator?: { url: string; webhookUrl: string } | undefined;
  /** The event types webhook sync handles: the endpoint must send at least these. */
  webhookEvents: readonly string[];
  /** Whose setup: the server's (the default) or a project's. */
  target?: ChecklistTarget | undefined;
}

const MODES: StripeMode[] = ["test", "live"];

/** `sk_test_…wxyz`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? "";
  const secret = key.slice(prefix.length);
  return `${prefix}…${secret.length > 8 ? secret.slice(-4) : ""}`;
}

const isLocalHost = (hostname: string) =>
  hostname === "localhost" ||
  hostname.endsWith(".localhost") ||
  hostname === "[::1]" ||
  hostname.startsWith("127.") ||
  hostname === "0.0.0.0";

export interface OfflineSetup {
  keys: SetupItem;
  /** One per mode with a key (test alone on the emulator). */
  webhookSecrets: { mode: StripeMode; item: SetupItem }[];
  appUrl: SetupItem;
}

/** The items that need no network. */
export function checkSetupOffline(input: SetupChecklistInput): OfflineSetup {
  const { keys } = input.config.stripe;
  const modes: StripeMode[] = input.emulator ? ["test"] : MODES.filter((mode) => keys[mode]);
  return {
    keys: checkStripeKeys(input),
    webhookSecrets: modes.map((mode) => ({ mode, item: checkWebhookSecret(input, mode) })),
    appUrl: checkAppUrl(input),
  };
}

/** The offline items in the order they are printed. */
export function listOfflineItems(setup: OfflineSetup): SetupItem[] {
  return [setup.keys, ...setup.webhookSecrets.map(({ item }) => item), setup.appUrl];
}

function checkStripeKeys({
  config,
  emulator,
  target = SERVER_TARGET,
}: SetupChecklistInput): SetupItem {
  const name = "stripe_keys";
  const { keys, appMode, apiBase } = config.stripe;
  const useStripe =
    "set STRIPE_SECRET_KEY=sk_test_… (Stripe Dashboard → Developers → API keys) to use a Stripe account";
  if (emulator) {
    return {
      name,
      status: "ok",
      message: `no Stripe key: the embedded Stripe emulator on ${emulator.url} stands in for Stripe (nothing real is charged)`,
      next: useStripe,
    };
  }
  const modes = MODES.filter((mode) => keys[mode]);
  if (modes.length === 0 && !target.emulatorWithoutKeys) {
    return {
      name,
      status: "missing",
      message: "no Stripe key is set",
      next: target.setKey("test", "a sk_test_… key (Stripe Dashboard → Developers → API keys)"),
    };
  }
  if (modes.length === 0) {
    // `portico start` would run the emulator: fine on a laptop, never what production wants.
    return {
      name,
      status: config.env === "production" ? "missing" : "ok",
      message: "no Stripe key is set: `portico start` runs the embedded Stripe emulator",
      next: useStripe,
    };
  }
  const crossed = modes.filter((mode) => !new RegExp(`^(sk|rk)_${mode}_`).test(keys[mode] ?? ""));
  if (crossed.length > 0) {
    return {
      name,
      status: "problem",
      message: crossed
        .map((mode) => `the ${mode}-mode key is not a ${mode} key (${maskKey(keys[mode] ?? "")})`)
        .join("; "),
      next: target.swapKeys,
    };
  }
  const host = stripeApiHost(apiBase);
  const realStripe = host === "api.stripe.com";
  // A live key sent anywhere but Stripe hands a real secret to that host.
  if (keys.live && !host.endsWith(".stripe.com")) {
    return {
      name,
      status: "problem",
      message: `the live key ${maskKey(keys.live)} is sent to ${stripeApiOrigin(apiBase)} (STRIPE_API_BASE), not to Stripe`,
      next: "unset STRIPE_API_BASE when using a live key, or use a test key with the emulator",
    };
  }
  const perMode = MODES.map(
    (mode) =>
      `${mode} mode: ${keys[mode] ? maskKey(keys[mode]) : "no key"}${mode === appMode ? " (the app's mode)" : ""}`,
  ).join(", ");
  return {
    name,
    status: "ok",
    message: `${perMode}; ${realStripe ? "real Stripe (api.stripe.com)" : `not real Stripe: STRIPE_API_BASE is ${stripeApiOrigin(apiBase)}`}`,
  };
}

function checkWebhookSecret(input: SetupChecklistInput, mode: StripeMode): SetupItem {
  const { config, emulator, webhookEvents, target = SERVER_TARGET } = input;
  const name = `stripe_${mode}_webhook_secret`;
  if (emulator) {
    return {
      name,
      status: "ok",
      message: `the emulator signs its webhooks with a generated secret and sends them to ${emulator.webhookUrl}`,
    };
  }
  const url = target.webhookUrl(mode, config.appUrl);
  const secrets = config.stripe.webhookSecrets[mode];
  if (secrets.length > 0) {
    return {
      name,
      status: "ok",
      message: `${secrets.length} signing secret${secrets.length === 1 ? "" : "s"}; Stripe must send the ${webhookEvents.length} handled events to ${url}`,
    };
  }
  const setSecret = (value: string) => target.setWebhookSecret(mode, config.stripe.keys, value);
  const steps = [
    `register ${url} in the Stripe Dashboard (${mode} mode, Developers → Webhooks → Add endpoint) with these ${webhookEvents.length} events:`,
    `  ${webhookEvents.join(" ")}`,
    `then ${setSecret("its signing secret (whsec_…)")}${target.reload}`,
  ];
  const hostname = new URL(url).hostname;
  if (isLocalHost(hostname)) {
    steps.push(
      `Stripe cannot reach ${hostname}: to try it on this machine, run \`stripe listen --forward-to ${url}\` and ${setSecret("the whsec_… it prints")}`,
    );
  }
  return {
    name,
    status: "missing",
    message: `no webhook signing secret: Stripe's webhooks to ${url} would be refused, so subscriptions would not sync`,
    next: steps.join("\n"),
  };
}

function checkAppUrl({ config, emulator, target = SERVER_TARGET }: SetupChecklistInput): SetupItem {
  const name = "app_url_origins";
  const url = new URL(config.appUrl);
  // loadConfig falls back to this when APP_URL is unset.
  const unset = config.appUrl === `http://localhost:${config.port}`;
  const live = !emulator && Boolean(config.stripe.keys.live);
  const origins = `return URLs may point at ${config.allowedOrigins.join(", ")}`;
  const { appUrlName, originsName, setPublicOrigin: publicOrigin } = target;
  if (unset && (live || (!emulator && config.env === "production"))) {
    return {
      name,
      status: "missing",
      message: `APP_URL is not set, so it is ${config.appUrl}: customers would return to, and Stripe would post webhooks to, this machine only`,
      next: publicOrigin,
    };
  }
  if (!live) {
    return {
      name,
      status: "ok",
      message: `${appUrlName} ${config.appUrl}${unset ? " (the default)" : ""}; ${origins}`,
    };
  }
  const problems: string[] = [];
  if (isLocalHost(url.hostname))
    problems.push(`${appUrlName} ${config.appUrl} is this machine, in live mode`);
  else if (url.protocol !== "https:")
    problems.push(`${appUrlName} ${config.appUrl} is not https, in live mode`);
  const insecure = config.allowedOrigins.filter(
    (origin) => origin !== url.origin && new URL(origin).protocol !== "https:",
  );
  if (insecure.length > 0)
    problems.push(`${originsName} has non-https origins in live mode: ${insecure.join(", ")}`);
  if (problems.length > 0) {
    return {
      name,
      status: "problem",
      message: problems.join("; "),
      next: `${publicOrigin}${insecure.length > 0 ? `, and list only https origins in ${originsName}` : ""}`,
    };
  }
  return { name, status: "ok", message: `${appUrlName} ${config.appUrl}; ${origins}` };
}
