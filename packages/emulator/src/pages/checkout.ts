import type { Context, Hono } from "hono";
import { html } from "hono/html";
import { AUTHENTICATION_FAILED } from "../billing/authentication.js";
import type { CheckoutSession } from "../billing/checkout-build.js";
import {
  type CheckoutPayment,
  completeCheckoutSession,
  refreshCheckoutSession,
} from "../billing/checkout-complete.js";
import type { BillingContext } from "../billing/context.js";
import { formatAmount } from "../billing/invoice-build.js";
import type { Account, Store } from "../store.js";
import { renderCheckoutAuthentication } from "./authenticate.js";
import { renderHostedPage } from "./hosted-layout.js";

/**
 * The hosted Checkout page a session's `url` opens. Server-rendered, no scripts: a plain
 * form that posts back here, so it works with a keyboard and in any test browser.
 */

type FormValues = { email: string; name: string; expiry: string };

function readExpiry(value: string, now: number): CheckoutPayment["expiry"] | string {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return "Your card's expiration date is incomplete.";
  const month = Number(match[1]);
  const year = (match[2]?.length === 2 ? 2000 : 0) + Number(match[2]);
  if (month < 1 || month > 12) return "Your card's expiration date is invalid.";
  const today = new Date(now * 1000);
  const current = today.getUTCFullYear() * 12 + today.getUTCMonth() + 1;
  if (year * 12 + month < current) return "Your card's expiration year is in the past.";
  return { month, year };
}

/** `$290.00 per year`, or `$30.00 every 3 months`. */
function describeRecurring(
  amount: string,
  recurring: { interval: string; interval_count: number },
) {
  const { interval, interval_count: count } = recurring;
  return count === 1 ? `${amount} per ${interval}` : `${amount} every ${count} ${interval}s`;
}

/**
 * What the customer pays today and afterwards. With a trial, Stripe's page says "14 days
 * free", totals $0.00 today and states the recurring amount that follows.
 */
function renderSummary(account: Account, session: CheckoutSession) {
  const record = account.collections["checkout.session.line_items"].get(session.id);
  const lines = record?.data ?? [];
  if (session.mode === "setup") return html`<p>Save a card for future payments.</p>`;
  const trialDays = record?.subscription_data.trial_period_days ?? null;
  const money = (amount: number) => formatAmount(amount, session.currency ?? "usd");
  const recurringTotal = lines.reduce((sum, line) => sum + line.amount_total, 0);
  const recurring = lines.find((line) => line.price?.recurring)?.price?.recurring;
  return html`<table aria-label="Order summary">
    <tbody>
      ${lines.map((line) => {
        const interval = line.price?.recurring?.interval;
        const price = html`${money(line.amount_total)}${interval ? html` / ${interval}` : ""}`;
        return html`<tr>
          <td>${line.description}${line.quantity && line.quantity > 1 ? html` × ${line.quantity}` : ""}</td>
          <td class="amount">${trialDays ? html`${trialDays} days free<br />then ${price}` : price}</td>
        </tr>`;
      })}
    </tbody>
    <tfoot><tr><th>Total due today</th><th class="amount">${money(session.amount_total ?? 0)}</th></tr></tfoot>
  </table>
  ${
    trialDays && recurring
      ? html`<p>Then ${describeRecurring(money(recurringTotal), recurring)} after the trial.</p>`
      : ""
  }`;
}

function renderForm(
  account: Account,
  session: CheckoutSession,
  values: FormValues,
  error: string | null,
) {
  const fixedEmail = session.customer_email ?? null;
  const submit =
    session.mode === "setup" ? "Save card" : session.mode === "payment" ? "Pay" : "Subscribe";
  return renderHostedPage(
    "Checkout",
    html`<h1>Checkout</h1>
      ${renderSummary(account, session)}
      <form method="post" novalidate>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email"
          value="${fixedEmail ?? values.email}" ${fixedEmail ? "readonly" : ""} />
        <label for="cardnumber">Card number</label>
        <input id="cardnumber" name="cardnumber" inputmode="numeric" autocomplete="cc-number"
          placeholder="1234 1234 1234 1234" required />
        <div class="row">
          <div>
            <label for="expiry">Expiration (MM / YY)</label>
            <input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM / YY"
              value="${values.expiry}" required />
          </div>
          <div>
            <label for="cvc">CVC</label>
            <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required />
          </div>
        </div>
        <label for="name">Cardholder name</label>
        <input id="name" name="name" autocomplete="cc-name" value="${values.name}" />
        ${error ? html`<p role="alert" id="card-errors">${error}</p>` : ""}
        <button type="submit">${submit}</button>
      </form>
      ${session.cancel_url ? html`<p><a href="${session.cancel_url}">Cancel</a></p>` : ""}`,
  );
}

function renderClosed(session: CheckoutSession | undefined) {
  const message =
    session?.status === "complete"
      ? "This checkout has already been completed."
      : session?.status === "expired"
        ? "This checkout session has expired."
        : "This checkout link is invalid.";
  return renderHostedPage("Checkout unavailable", html`<h1>${message}</h1>`);
}

export function registerCheckoutPages(app: Hono, store: Store): void {
  /** Resolves the session behind the URL, expiring it first when its time is up. */
  const openSession = (c: Context) => {
    const link = store.hostedLinks.get(c.req.param("id") ?? "");
    if (!link?.account.collections["checkout.session"].has(link.objectId)) return null;
    const context: BillingContext = {
      account: link.account,
      store,
      origin: new URL(c.req.url).origin,
      requestId: null,
      idempotencyKey: null,
    };
    return { context, session: refreshCheckoutSession(context, link.objectId) };
  };

  app.get("/c/pay/:id", (c) => {
    const found = openSession(c);
    if (found?.session.status !== "open") {
      return c.html(renderClosed(found?.session), found ? 410 : 404);
    }
    const blank = { email: "", name: "", expiry: "" };
    return c.html(renderForm(found.context.account, found.session, blank, null));
  });

  app.post("/c/pay/:id", async (c) => {
    const found = openSession(c);
    if (found?.session.status !== "open") {
      return c.html(renderClosed(found?.session), found ? 410 : 404);
    }
    const { context, session } = found;
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? form[name].trim() : "");
    const values = { email: field("email"), name: field("name"), expiry: field("expiry") };
    const rerender = (error: string) =>
      c.html(renderForm(context.account, session, values, error), 402);
    const email = session.customer_email ?? (values.email || null);
    if (!email && !session.customer) return rerender("Your email is incomplete.");
    if (!field("cardnumber")) return rerender("Your card number is incomplete.");
    const expiry = readExpiry(values.expiry, context.account.clock.now());
    if (typeof expiry === "string") return rerender(expiry);
    if (!/^\d{3,4}$/.test(field("cvc")))
      return rerender("Your card's security code is incomplete.");
    const authentication = field("authentication");
    if (authentication === "fail") return rerender(AUTHENTICATION_FAILED.message);
    const result = completeCheckoutSession(context, session.id, {
      email,
      cardNumber: field("cardnumber"),
      expiry,
      name: values.name || null,
      authenticated: authentication === "complete",
    });
    if (!result.ok && result.requiresAuthentication) {
      const entered = ["email", "cardnumber", "expiry", "cvc", "name"].map((name) => [
        name,
        field(name),
      ]);
      return c.html(renderCheckoutAuthentication(c.req.path, Object.fromEntries(entered)));
    }
    if (!result.ok) return rerender(result.message);
    return c.redirect(result.redirectTo, 303);
  });
}
