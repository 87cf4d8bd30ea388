/**
 * What a customer does on the emulator's hosted portal page: a form post with the page's
 * CSRF token, answered with a redirect.
 */
async function postPortalForm(portalUrl: string, path: string, fields: Record<string, string>) {
  const page = await (await fetch(portalUrl)).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("the portal page has no CSRF token");
  const response = await fetch(`${portalUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf, ...fields }),
  });
  if (response.status !== 303) {
    throw new Error(`the portal answered ${response.status}: ${await response.text()}`);
  }
}

/** Choose another quantity for a subscription and confirm. */
export function changeQuantityInPortal(
  portalUrl: string,
  change: { subscriptionId: string; priceId: string; quantity: number },
) {
  return postPortalForm(portalUrl, `/subscriptions/${change.subscriptionId}/update`, {
    price: change.priceId,
    quantity: String(change.quantity),
  });
}

/** Cancel a subscription (at the period's end, or now, as the configuration says). */
export function cancelInPortal(portalUrl: string, subscriptionId: string) {
  return postPortalForm(portalUrl, `/subscriptions/${subscriptionId}/cancel`, {});
}
