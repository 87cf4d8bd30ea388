import { createServer } from "node:http";
import { emulatorStripe, listen, readBody, readEnv } from "./server-env.js";

/**
 * The floor for any portal endpoint: one HTTP hop in front of the Stripe call, nothing else.
 * The body names the customer; no authentication, database, rate limit or audit. What it
 * adds over the direct SDK call is what a server in between costs before doing any work.
 */
const env = readEnv(["PORT", "STRIPE_SECRET_KEY", "STRIPE_API_BASE"]);
const stripe = emulatorStripe(env.STRIPE_SECRET_KEY, env.STRIPE_API_BASE);

const server = createServer(async (request, response) => {
  try {
    const { customer, returnUrl } = JSON.parse((await readBody(request)).toString());
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ url: portal.url }));
  } catch {
    response.writeHead(500).end();
  }
});
listen(server, env.PORT);
