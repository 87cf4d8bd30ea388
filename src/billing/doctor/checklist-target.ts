import type { StripeMode } from "../../config.js";

/**
 * Whose setup the checklist and doctor check: the server's own account, configured by its
 * environment, or one project's, configured by `portico projects …`. The checks are the same;
 * what differs is where Stripe posts webhooks and how each fix is made.
 */
export interface ChecklistTarget {
  /** The URL Stripe must post this mode's events to. */
  webhookUrl(mode: StripeMode, appUrl: string): string;
  /** With no key at all the server runs the embedded emulator; a project has nothing to run. */
  emulatorWithoutKeys: boolean;
  /** How to store `value` as a mode's secret key. */
  setKey(mode: StripeMode, value: string): string;
  /** How to put each key in its own mode's slot. */
  swapKeys: string;
  /** How to store `value` as a mode's webhook signing secret. */
  setWebhookSecret(
    mode: StripeMode,
    keys: Partial<Record<StripeMode, string>>,
    value: string,
  ): string;
  /** What a running server needs to read a changed secret, after the step that stores it. */
  reload: string;
  /** What the return origin and the other allowed origins are called, in messages. */
  appUrlName: string;
  originsName: string;
  /** How to give customers a public https origin to return to. */
  setPublicOrigin: string;
  /** The flags that select this target again, for the commands a fix names. */
  flags: string;
}

/** The route webhook sync listens on, under APP_URL. */
export const WEBHOOK_PATH = "/api/webhooks/stripe";

const KEY_VARIABLES: Record<StripeMode, string> = {
  test: "STRIPE_TEST_SECRET_KEY (or STRIPE_SECRET_KEY=sk_test_…)",
  live: "STRIPE_LIVE_SECRET_KEY (or STRIPE_SECRET_KEY=sk_live_…)",
};

/** The variable that holds a mode's signing secret, as `loadConfig` assigns them. */
function secretVariable(mode: StripeMode, keys: Partial<Record<StripeMode, string>>): string {
  if (keys.test && keys.live)
    return mode === "test"
      ? "STRIPE_WEBHOOK_SECRET (or STRIPE_WEBHOOK_SECRETS)"
      : "STRIPE_LIVE_WEBHOOK_SECRETS";
  return "STRIPE_WEBHOOK_SECRET";
}

export const SERVER_TARGET: ChecklistTarget = {
  webhookUrl: (_mode, appUrl) => new URL(WEBHOOK_PATH, appUrl).href,
  emulatorWithoutKeys: true,
  setKey: (mode, value) => `set ${KEY_VARIABLES[mode]} to ${value}`,
  swapKeys:
    "set STRIPE_TEST_SECRET_KEY to a sk_test_… key and STRIPE_LIVE_SECRET_KEY to a sk_live_… key",
  setWebhookSecret: (mode, keys, value) => `set ${secretVariable(mode, keys)} to ${value}`,
  reload: " and restart",
  appUrlName: "APP_URL",
  originsName: "RETURN_URL_ORIGINS",
  setPublicOrigin:
    "set APP_URL to your app's public https origin (e.g. APP_URL=https://app.example.com)",
  flags: "",
};

/**
 * A project: its secrets are stored by `portico projects set-keys`, which reads them from the
 * environment (never the command line), and a running server picks them up without a restart.
 */
export function projectTarget(
  project: { id: string; returnOrigins: readonly string[] },
  webhookUrl: (mode: StripeMode) => string,
): ChecklistTarget {
  const { id } = project;
  const setKeys = (variable: string, value: string) =>
    `run \`portico projects set-keys ${id}\` with ${variable} set to ${value} in the environment`;
  return {
    webhookUrl: (mode) => webhookUrl(mode),
    emulatorWithoutKeys: false,
    setKey: (mode, value) => setKeys(`STRIPE_${mode.toUpperCase()}_SECRET_KEY`, value),
    swapKeys: setKeys(
      "STRIPE_TEST_SECRET_KEY and STRIPE_LIVE_SECRET_KEY",
      "a sk_test_… and a sk_live_… key",
    ),
    setWebhookSecret: (mode, _keys, value) =>
      setKeys(mode === "test" ? "STRIPE_WEBHOOK_SECRETS" : "STRIPE_LIVE_WEBHOOK_SECRETS", value),
    reload: "",
    // Without return origins of its own, customers of the project return to APP_URL.
    appUrlName:
      project.returnOrigins.length > 0
        ? `project ${id}'s first return origin`
        : `APP_URL (project ${id} has no return origins)`,
    originsName: `project ${id}'s return origins`,
    setPublicOrigin: `set the project's https return origins: \`portico projects set-config ${id} --return-origins https://app.example.com\``,
    flags: ` --project ${id}`,
  };
}
