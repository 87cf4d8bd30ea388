import { fileURLToPath } from "node:url";
import express from "express";
import { createPortico, PorticoError } from "portico";
import { toExpressHandler } from "portico/express";
import { authRoutes, requireAuth, requireSameOrigin, userFromCookieHeader } from "./auth.js";
import { renderBillingPage } from "./billing-page.js";
import { escapeHtml, renderPage } from "./html.js";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;

// Stripe's keys, the webhook secret, the database and the plans come from the environment
// (README.md). Without DATABASE_URL, Portico runs its own PostgreSQL in PORTICO_DATA_DIR.
const portico = createPortico({
  appUrl,
  migrate: true,
  // Who is signed in, from the app's own session: Portico never takes a user id from a request.
  identify: (request) => userFromCookieHeader(request.headers.get("cookie")),
});

const app = express();
// The mistake Portico guards against, kept runnable for its test: a body parser ahead of
// Portico leaves the webhook route no bytes to check Stripe's signature against.
if (process.env.PARSE_JSON_FIRST === "1") app.use(express.json());
// Before any body parser, so webhooks reach Portico as the exact bytes Stripe signed.
app.use(toExpressHandler(portico));
app.use(express.static(fileURLToPath(new URL("public", import.meta.url))));
app.use(authRoutes);

app.get("/", (_req, res) => res.redirect("/settings/billing"));

app.get("/settings/billing", requireAuth, async (req, res) => {
  const [subscription, { plans }] = await Promise.all([
    portico.api.getSubscription({ userId: req.user.id, email: req.user.email }),
    portico.api.listPlans(),
  ]);
  const justPaid = req.query.checkout === "success";
  res.send(renderBillingPage({ user: req.user, subscription, plans, justPaid }));
});

app.post("/billing/checkout", requireAuth, requireSameOrigin(appUrl), async (req, res) => {
  const { url } = await portico.api.createCheckout({
    userId: req.user.id,
    email: req.user.email,
    plan: "pro",
    successUrl: `${appUrl}/settings/billing?checkout=success`,
  });
  res.redirect(303, url);
});

// Portico's errors carry an HTTP status and a message meant for the user.
app.use((error, _req, res, _next) => {
  const known = error instanceof PorticoError && error.status < 500;
  if (!known) portico.logger.error({ err: error }, "request failed");
  const message = known ? error.message : "Something went wrong. Please try again.";
  res
    .status(known ? error.status : 500)
    .send(renderPage({ title: "Error", body: `<p role="alert">${escapeHtml(message)}</p>` }));
});

// Fail at boot, not on the first request, when the database or configuration is wrong.
await portico.ready();
const server = app.listen(port, host, (error) => {
  // Express 5 hands listen errors (port in use) to this callback instead of throwing.
  if (error) throw error;
  console.log(`Listening on ${appUrl}`);
});

// Close cleanly: Portico finishes its writes, and stops the embedded PostgreSQL it started.
async function shutDown() {
  server.close();
  await portico.close();
  process.exit(0);
}
process.once("SIGINT", shutDown);
process.once("SIGTERM", shutDown);
