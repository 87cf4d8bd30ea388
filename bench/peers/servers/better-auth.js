import { createServer } from "node:http";
import { stripe } from "@better-auth/stripe";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import pg from "pg";
import { emulatorStripe, listen, readEnv } from "./server-env.js";

/**
 * Better Auth with email/password and its Stripe plugin, as its docs set it up: a `pg` pool as
 * the database, a Stripe customer made at sign-up, subscriptions enabled (which is what
 * mounts `POST /api/auth/subscription/billing-portal`), served by `toNodeHandler`.
 */
const env = readEnv([
  "PORT",
  "DATABASE_URL",
  "STRIPE_SECRET_KEY",
  "STRIPE_API_BASE",
  "STRIPE_WEBHOOK_SECRET",
  "BETTER_AUTH_SECRET",
]);

/** @type {import("better-auth").BetterAuthOptions} */
const options = {
  baseURL: `http://127.0.0.1:${env.PORT}`,
  secret: env.BETTER_AUTH_SECRET,
  database: new pg.Pool({ connectionString: env.DATABASE_URL }),
  emailAndPassword: { enabled: true },
  // On by default in production; Portico's limits are lifted for the bench too.
  rateLimit: { enabled: false },
  plugins: [
    stripe({
      stripeClient: emulatorStripe(env.STRIPE_SECRET_KEY, env.STRIPE_API_BASE),
      stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET,
      createCustomerOnSignUp: true,
      subscription: { enabled: true, plans: [] },
    }),
  ],
};

const { runMigrations } = await getMigrations(options);
await runMigrations();
listen(createServer(toNodeHandler(betterAuth(options))), env.PORT);
