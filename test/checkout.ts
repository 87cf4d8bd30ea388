import { fileURLToPath } from "node:url";
import { readBillingConfigFile } from "../src/billing/billing-config.js";
import { createCatalogSync } from "../src/billing/catalog-sync.js";
import { loadConfig } from "../src/config.js";
import { createStripeClients } from "../src/stripe/client.js";
import { createStripeGateway } from "../src/stripe/gateway.js";
import type { TestPortico } from "./portico.js";

/** The repository's example billing file: Free, Starter and Pro with 14-day trials. */
export const EXAMPLE_BILLING_CONFIG = fileURLToPath(
  new URL("../portico.config.json", import.meta.url),
);

/** `portico stripe apply` of the server's billing file to its emulator account. */
export async function applyCatalog(t: TestPortico) {
  const config = t.portico.billingConfig;
  if (!config) throw new Error("start the server with PORTICO_CONFIG");
  const plan = await t.portico.catalog.planChanges("test", config);
  return t.portico.catalog.applyChanges("test", plan);
}

/** `portico stripe apply` of a billing file to an emulator account, with no server running. */
export async function applyCatalogFile(key: string, emulatorUrl: string, path: string) {
  const config = loadConfig({ STRIPE_TEST_SECRET_KEY: key, STRIPE_API_BASE: emulatorUrl });
  const billing = await readBillingConfigFile(path);
  if (!billing) throw new Error(`no billing file at ${path}`);
  const stripe = createStripeGateway(createStripeClients(config.stripe));
  const catalog = createCatalogSync({ stripe });
  await catalog.applyChanges("test", await catalog.planChanges("test", billing));
}

/**
 * Runs the server's billing setup check until it passes, e.g. after `applyCatalog`: the
 * check the server started at startup may still be in flight, and would land after ours.
 */
export async function settleSetupCheck(t: TestPortico) {
  for (let tries = 0; tries < 50; tries++) {
    await t.portico.setup.run();
    if (t.portico.setup.problem("test") === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`billing setup: ${t.portico.setup.problem("test")}`);
}

/** What a user does on Stripe's hosted Checkout page: pay with a test card. */
export async function payOnHostedCheckout(url: string, card = "4242424242424242") {
  const response = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      email: "payer@example.com",
      cardnumber: card,
      expiry: "12 / 40",
      cvc: "123",
      name: "Payer",
    }),
  });
  if (response.status !== 303) {
    throw new Error(`checkout page answered ${response.status}: ${await response.text()}`);
  }
  return response.headers.get("location");
}

export function getJson(t: TestPortico, path: string, token: string) {
  return fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}
