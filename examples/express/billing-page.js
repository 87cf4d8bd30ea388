import { escapeHtml, renderPage } from "./html.js";

/**
 * `/settings/billing`, rendered on the server from `portico.api.getSubscription`. Without
 * JavaScript every button is a form post; `public/billing.js` upgrades Manage billing to the
 * seed's fetch button and shows dates in the reader's time zone.
 */
export function renderBillingPage({ user, subscription, plans, justPaid }) {
  const plan = plans.find((candidate) => candidate.key === subscription.plan);
  const free = !plan?.prices.monthly && !plan?.prices.annual;
  // The redirect from Checkout can beat Stripe's webhook: refresh until it has arrived.
  const waiting = justPaid && free;
  return renderPage({
    title: "Billing",
    head: waiting ? '<meta http-equiv="refresh" content="2">' : "",
    body: `<header>Signed in as ${escapeHtml(user.email)}
  <form method="post" action="/signout"><button type="submit">Sign out</button></form>
</header>
<h1>Billing</h1>
${waiting ? '<p role="status">Payment received. Waiting for Stripe to confirm it…</p>' : ""}
<p>Plan: <strong data-testid="plan-name">${escapeHtml(plan?.name ?? subscription.plan)}</strong>
  ${subscription.status ? `<span data-testid="status">${escapeHtml(formatStatus(subscription.status))}</span>` : ""}</p>
${renderPeriod(subscription, free)}
${free ? renderSubscribeButton() : ""}
${subscription.hasCustomer ? renderManageBillingButton() : ""}
<script type="module" src="/billing.js"></script>`,
  });
}

/** "Renews on …", or "Cancels on …" once the customer canceled in the portal. */
function renderPeriod(subscription, free) {
  const cancelsOn =
    subscription.cancelAt ??
    (subscription.cancelAtPeriodEnd ? subscription.currentPeriodEnd : null);
  if (cancelsOn) return `<p data-testid="renewal">Cancels on ${renderDate(cancelsOn)}</p>`;
  if (free || !subscription.currentPeriodEnd) return "";
  return `<p data-testid="renewal">Renews on ${renderDate(subscription.currentPeriodEnd)}</p>`;
}

/** The app's own route, which calls `portico.api.createCheckout` and redirects. */
function renderSubscribeButton() {
  return `<form method="post" action="/billing/checkout">
  <button type="submit">Subscribe to Pro</button>
</form>`;
}

/** Portico's route: a form post answers 303 to the portal; billing.js posts JSON instead. */
function renderManageBillingButton() {
  return `<form method="post" action="/api/billing/portal" data-portal>
  <button type="submit">Manage billing</button>
  <p role="alert" hidden></p>
</form>`;
}

/** UTC on the server, which cannot know the reader's zone; billing.js re-formats it. */
function renderDate(iso) {
  const text = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(iso),
  );
  return `<time datetime="${escapeHtml(iso)}">${text}</time>`;
}

/** Stripe's `past_due` as "Past due". */
function formatStatus(status) {
  const words = status.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
