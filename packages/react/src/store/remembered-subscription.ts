import { type SubscriptionView, viewOf } from "./diff-subscription.js";
import type { Subscription } from "./to-subscription.js";

/**
 * The subscription as it was when the user left for the portal, so the return can say what
 * changed. sessionStorage: it follows the tab to Stripe and back, and a portal opened in
 * another tab has none (the return then says nothing). One entry per billing subject, so a
 * page showing the user's billing and an organization's never diffs one against the other.
 */

const PREFIX = "portico:before-portal";
/** Bumped when `SubscriptionView` changes shape: an older entry is ignored, not misread. */
const VERSION = 1;
/** Long enough for a slow visit to the portal; an entry left behind does not linger. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface Remembered {
  version: number;
  savedAt: number;
  view: SubscriptionView;
}

const keyOf = (organizationId: string | undefined) =>
  organizationId === undefined ? `${PREFIX}:user` : `${PREFIX}:org:${organizationId}`;

/**
 * Called on the way to the portal with what the page shows; a subscription not loaded
 * there clears any older entry, which would otherwise be diffed on the way back.
 */
export function rememberSubscription(
  organizationId: string | undefined,
  subscription: Subscription | undefined,
): void {
  const key = keyOf(organizationId);
  try {
    if (!subscription) sessionStorage.removeItem(key);
    else {
      const entry: Remembered = {
        version: VERSION,
        savedAt: Date.now(),
        view: viewOf(subscription),
      };
      sessionStorage.setItem(key, JSON.stringify(entry));
    }
  } catch {
    // Storage turned off or full: the return then says nothing, which is still true.
  }
}

/** Reads and forgets the subject's entry; undefined when there is none to trust. */
export function takeRememberedSubscription(
  organizationId: string | undefined,
): SubscriptionView | undefined {
  const key = keyOf(organizationId);
  try {
    const raw = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    if (raw === null) return undefined;
    const entry = JSON.parse(raw) as Partial<Remembered>;
    if (entry.version !== VERSION || typeof entry.savedAt !== "number") return undefined;
    if (Date.now() - entry.savedAt > MAX_AGE_MS) return undefined;
    return entry.view;
  } catch {
    return undefined;
  }
}
