import { parseApiKey } from "../http/auth.js";
import { type Account, type Store, saveObject } from "../store.js";
import { insertWebhookEndpoint } from "./endpoints.js";
import { generateWebhookSecret } from "./signing.js";

/** `--webhook-url`, `--webhook-secret`, `--webhook-account`. */
export type StartupWebhook = { url: string; secret?: string; apiKey?: string };

/**
 * Registers an endpoint for every event, so `npm start` delivers webhooks with no manual
 * step: on the one account of `apiKey`, or on every account, including ones created
 * later. All of them share one secret, which is returned so it can be printed.
 */
export function registerStartupWebhook(
  store: Store,
  options: StartupWebhook,
): { secret: string; stop(): void } {
  const target = options.apiKey ? parseApiKey(`Bearer ${options.apiKey}`) : null;
  const findEndpoint = (account: Account) =>
    [...account.collections.webhook_endpoint.values()].find((e) => e.url === options.url);
  // Without a given secret, an endpoint kept in the state file keeps its secret across runs.
  const secret =
    options.secret ??
    store
      .listAccounts()
      .map((account) => findEndpoint(account)?.secret)
      .find((existing) => existing !== undefined) ??
    generateWebhookSecret();

  const ensureEndpoint = (account: Account) => {
    if (target && (account.id !== target.accountId || account.livemode !== target.livemode)) return;
    const existing = findEndpoint(account);
    if (existing) {
      saveObject(account, "webhook_endpoint", { ...existing, secret });
      return;
    }
    insertWebhookEndpoint(account, {
      url: options.url,
      enabledEvents: ["*"],
      secret,
      description: "Registered at startup by --webhook-url",
    });
  };

  if (target) ensureEndpoint(store.getAccount(target.accountId, target.livemode));
  else for (const account of store.listAccounts()) ensureEndpoint(account);
  const stop = store.addAccountListener(ensureEndpoint);
  return { secret, stop };
}
