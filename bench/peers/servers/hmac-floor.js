import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";
import { listen, readBody, readEnv } from "./server-env.js";

/**
 * The floor for a correct webhook receiver: verify one HMAC, then one statement (one
 * transaction) that stores the event by id and, only if it was new, upserts the
 * subscription unless a newer event already wrote it. Nothing a real receiver can skip, and
 * nothing more: no framework, no logging, no retry bookkeeping.
 */
const env = readEnv(["PORT", "DATABASE_URL", "STRIPE_WEBHOOK_SECRET"]);
const TOLERANCE_SECONDS = 300;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL });

await pool.query(`
  create table if not exists events (id text primary key, type text not null, created bigint not null);
  create table if not exists subscriptions (
    id text primary key,
    customer text not null,
    status text not null,
    quantity integer,
    event_created bigint not null,
    object jsonb not null
  )`);

const APPLY = `
  with stored as (
    insert into events (id, type, created) values ($1, $2, $3)
    on conflict (id) do nothing
    returning id
  )
  insert into subscriptions (id, customer, status, quantity, event_created, object)
  select $4, $5, $6, $7, $3, $8 from stored
  on conflict (id) do update set
    customer = excluded.customer, status = excluded.status, quantity = excluded.quantity,
    event_created = excluded.event_created, object = excluded.object
  where subscriptions.event_created < excluded.event_created`;

const server = createServer(async (request, response) => {
  const body = await readBody(request);
  if (!verify(body, String(request.headers["stripe-signature"] ?? ""))) {
    return void response.writeHead(400).end();
  }
  try {
    const event = JSON.parse(body.toString("utf8"));
    const object = event.data.object;
    await pool.query({
      name: "apply",
      text: APPLY,
      values: [
        event.id,
        event.type,
        event.created,
        object.id,
        object.customer,
        object.status,
        object.items?.data?.[0]?.quantity ?? null,
        JSON.stringify(object),
      ],
    });
    response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
  } catch {
    response.writeHead(500).end();
  }
});
listen(server, env.PORT);

/**
 * Stripe's scheme: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, within the tolerance.
 * @param {Buffer} body
 * @param {string} header
 */
function verify(body, header) {
  const parts = header.split(",").map((part) => part.split("="));
  const timestamp = parts.find(([name]) => name === "t")?.[1];
  if (!timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
    return false;
  }
  const expected = createHmac("sha256", env.STRIPE_WEBHOOK_SECRET)
    .update(`${timestamp}.`)
    .update(body)
    .digest();
  return parts.some(([name, value]) => {
    if (name !== "v1" || !value) return false;
    const given = Buffer.from(value, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
