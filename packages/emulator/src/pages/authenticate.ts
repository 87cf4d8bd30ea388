import type { Context, Hono } from "hono";
import { html } from "hono/html";
import { completeAuthentication } from "../billing/authentication-complete.js";
import type { BillingContext } from "../billing/context.js";
import { formatAmount } from "../billing/invoice-build.js";
import type { PaymentIntent } from "../billing/payment-intents.js";
import type { SetupIntent } from "../billing/setup-intents.js";
import type { Account, Store } from "../store.js";
import { renderHostedPage } from "./hosted-layout.js";

/**
 * The 3-D Secure test page a PaymentIntent's `next_action` points at, like Stripe's own
 * test page: no challenge, just the two outcomes. No scripts, so it works in any browser.
 */

export type AuthenticationOutcome = "complete" | "fail";

/** The two buttons; the invoice page shows them too. */
export function renderAuthenticationChoice(action: string) {
  return html`<form method="post" action="${action}">
      <button type="submit" name="outcome" value="complete">Complete authentication</button>
    </form>
    <form method="post" action="${action}">
      <button type="submit" name="outcome" value="fail">Fail authentication</button>
    </form>`;
}

/**
 * Hosted Checkout's 3-D Secure step: the test page, whose buttons submit the entered form
 * again with `authentication=complete|fail`, so nothing is stored between the two posts.
 */
export function renderCheckoutAuthentication(action: string, entered: Record<string, string>) {
  const hidden = Object.entries(entered).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  const button = (outcome: AuthenticationOutcome, label: string) =>
    html`<form method="post" action="${action}">
      ${hidden}<button type="submit" name="authentication" value="${outcome}">${label}</button>
    </form>`;
  return renderHostedPage(
    "3D Secure 2 Test Page",
    html`<h1>3D Secure 2 Test Page</h1>
      <p class="muted">This is a test authentication. Choose how it ends.</p>
      ${button("complete", "Complete authentication")} ${button("fail", "Fail authentication")}`,
  );
}

/** Reads the button that was pressed; anything else is not an answer. */
export async function readOutcome(c: Context): Promise<AuthenticationOutcome | null> {
  const outcome = (await c.req.parseBody()).outcome;
  return outcome === "complete" || outcome === "fail" ? outcome : null;
}

export function createPageContext(c: Context, account: Account, store: Store): BillingContext {
  const origin = new URL(c.req.url).origin;
  return { account, store, origin, requestId: null, idempotencyKey: null };
}

type AuthenticatingIntent = PaymentIntent | SetupIntent;

/** Stripe sends a redirect flow back with the intent named in the query, as here. */
function returnUrlAfter(intent: AuthenticatingIntent, returnUrl: string): string | null {
  if (!URL.canParse(returnUrl)) return null;
  const url = new URL(returnUrl);
  url.searchParams.set(intent.object, intent.id);
  url.searchParams.set(`${intent.object}_client_secret`, intent.client_secret ?? "");
  url.searchParams.set("redirect_status", intent.status === "succeeded" ? "succeeded" : "failed");
  return url.toString();
}

export function registerAuthenticationPages(app: Hono, store: Store): void {
  const findIntent = (token: string) => {
    const link = store.hostedLinks.get(token);
    const id = link?.objectId ?? "";
    const intent =
      link?.account.collections.payment_intent.get(id) ??
      link?.account.collections.setup_intent.get(id);
    return link && intent ? { account: link.account, intent } : null;
  };
  const notFound = () =>
    renderHostedPage("Authentication", html`<h1>This authentication link is invalid.</h1>`);
  const finished = (intent: AuthenticatingIntent) =>
    renderHostedPage(
      "Authentication",
      html`<h1>${intent.status === "succeeded" ? "Authentication complete" : "Authentication failed"}</h1>
        <p data-status="${intent.status}">You can close this window.</p>`,
    );

  app.get("/3ds/:token", (c) => {
    const found = findIntent(c.req.param("token"));
    if (!found) return c.html(notFound(), 404);
    const { intent } = found;
    if (intent.status !== "requires_action") return c.html(finished(intent));
    const body = html`<h1>3D Secure 2 Test Page</h1>
      <p>${"amount" in intent ? html`${formatAmount(intent.amount, intent.currency)} · card payment` : "Saving a card"}</p>
      <p class="muted">This is a test authentication. Choose how it ends.</p>
      ${renderAuthenticationChoice(c.req.path)}`;
    return c.html(renderHostedPage("3D Secure 2 Test Page", body));
  });

  app.post("/3ds/:token", async (c) => {
    const found = findIntent(c.req.param("token"));
    if (!found) return c.html(notFound(), 404);
    const outcome = await readOutcome(c);
    if (!outcome) return c.text("Choose complete or fail.", 400);
    const { account, intent: before } = found;
    if (before.status !== "requires_action") return c.html(finished(before), 409);
    const context = createPageContext(c, account, store);
    const after = completeAuthentication(context, before.id, outcome);
    const returnUrl = returnUrlAfter(after, before.next_action?.redirect_to_url?.return_url ?? "");
    if (returnUrl) return c.redirect(returnUrl, 303);
    return c.html(finished(after));
  });
}
