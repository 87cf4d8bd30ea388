import express from "express";
import pg from "pg";
import { emulatorStripe, readEnv } from "./server-env.js";

/**
 * The seed: the handler a team writes first. A bearer token looked up in a sessions table,
 * the user looked up for its Stripe customer, then `stripe.billingPortal.sessions.create`.
 * No rate limit, audit or return-URL check: the least a portal endpoint can do.
 */
const env = readEnv(["PORT", "DATABASE_URL", "STRIPE_SECRET_KEY", "STRIPE_API_BASE"]);
const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
const stripe = emulatorStripe(env.STRIPE_SECRET_KEY, env.STRIPE_API_BASE);

await pool.query(`
  create table if not exists users (id text primary key, email text not null, stripe_customer_id text);
  create table if not exists sessions (
    token text primary key,
    user_id text not null references users (id),
    expires_at timestamptz not null
  )`);

const app = express();
app.use(express.json());
app.post("/api/billing/portal", async (request, response) => {
  const token = request.get("authorization")?.replace(/^Bearer /, "") ?? "";
  const session = await pool.query(
    "select user_id from sessions where token = $1 and expires_at > now()",
    [token],
  );
  const userId = session.rows[0]?.user_id;
  if (!userId) return void response.status(401).json({ error: "unauthorized" });
  const user = await pool.query("select stripe_customer_id from users where id = $1", [userId]);
  const customer = user.rows[0]?.stripe_customer_id;
  if (!customer) return void response.status(404).json({ error: "no customer" });
  const portal = await stripe.billingPortal.sessions.create({
    customer,
    return_url: request.body?.returnUrl ?? "http://127.0.0.1/",
  });
  response.json({ url: portal.url });
});
app.listen(Number(env.PORT), "127.0.0.1", () => console.log("ready"));
