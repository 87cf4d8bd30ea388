/**
 * What a customer does on the emulator's hosted portal page: choose another quantity for
 * their subscription and confirm (a form post with the page's CSRF token).
 */
export async function changeQuantityInPortal(
  portalUrl: string,
  change: { subscriptionId: string; priceId: string; quantity: number },
) {
  const page = await (await fetch(portalUrl)).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("the portal page has no CSRF token");
  const response = await fetch(`${portalUrl}/subscriptions/${change.subscriptionId}/update`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      csrf,
      price: change.priceId,
      quantity: String(change.quantity),
    }),
  });
  if (response.status !== 303) {
    throw new Error(`the portal answered ${response.status}: ${await response.text()}`);
  }
}
