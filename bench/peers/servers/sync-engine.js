import { createServer } from "node:http";
import { createRequire } from "node:module";
import pg from "pg";
import { listen, readBody, readEnv } from "./server-env.js";

// The CommonJS build: the ESM one's runMigrations resolves its SQL files from `__dirname`,
// which ESM does not define, and swallows the error (0.48.5; upstream: stripe/sync-engine#308).
/** @type {typeof import("@supabase/stripe-sync-engine")} */
const { runMigrations, StripeSync } = createRequire(import.meta.url)(
  "@supabase/stripe-sync-engine",
);

/**
 * supabase/stripe-sync-engine as its README sets it up: `processWebhook(rawBody, signature)`
 * behind a plain `node:http` server. It trusts the payload (no `revalidateObjectsViaStripeApi`,
 * no `backfillRelatedEntities`), so `customer.subscription.updated` makes no Stripe call; its
 * own Stripe client (which it builds itself, against api.stripe.com) stays idle.
 */
const env = readEnv(["PORT", "DATABASE_URL", "STRIPE_WEBHOOK_SECRET"]);

await runMigrations({ databaseUrl: env.DATABASE_URL, schema: "stripe" });
// runMigrations logs a failure (to a logger we do not pass) instead of throwing.
await assertMigrated(env.DATABASE_URL);

const sync = new StripeSync({
  poolConfig: { connectionString: env.DATABASE_URL },
  stripeSecretKey: "sk_test_unused",
  stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET,
});

const server = createServer(async (request, response) => {
  const body = await readBody(request);
  try {
    await sync.processWebhook(body, String(request.headers["stripe-signature"]));
    response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
  } catch (error) {
    const badSignature = /** @type {{ type?: string }} */ (error)?.type?.includes("Signature");
    response.writeHead(badSignature ? 400 : 500).end();
  }
});
listen(server, env.PORT);

/** @param {string} url */
async function assertMigrated(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("select to_regclass('stripe.subscriptions') as name");
    if (!rows[0]?.name) throw new Error("stripe-sync-engine's migrations did not run");
  } finally {
    await client.end();
  }
}
