import { createPortico, type Portico } from "portico";
import { findOrganization, mayBill, roleIn } from "./organizations";
import { sessionFromCookieHeader } from "./session";

/**
 * One Portico per process. Next.js may evaluate this module more than once (each route's
 * bundle, reloads in `next dev`), and each Portico opens the database and runs the
 * webhook retry worker, so the instance lives on globalThis.
 */
const store = globalThis as typeof globalThis & { portico?: Portico };

store.portico ??= createPortico({
  // Portico's only source of identity: the app's own session, never the request body.
  identify: (request) => sessionFromCookieHeader(request.headers.get("cookie")),
  // Team billing: an organizationId in a call is the app's own; the app decides who may
  // view (subscription, invoices), manage (portal, seats) or purchase (checkout) its billing.
  // Anything but true answers 404, as for an organization that does not exist.
  authorize: ({ user, subject, action }) => {
    const organization = findOrganization(subject.id);
    return organization !== undefined && mayBill(roleIn(organization, user.id), action);
  },
  // Asked at checkout: the Stripe customer's name and email, and a per-seat plan's seats.
  describeOrganization: (id) => {
    const organization = findOrganization(id);
    return (
      organization && {
        name: organization.name,
        email: organization.billingEmail,
        members: Object.keys(organization.members).length,
      }
    );
  },
  // DATABASE_URL, or the embedded PostgreSQL in PORTICO_DATA_DIR; migrated on first use.
  migrate: true,
});

export const portico: Portico = store.portico;

/** Where the portal and Checkout send the user back: this app's billing page. */
export function billingPageUrl(): string {
  return appPageUrl("/settings/billing");
}

/** A page of this app as an absolute URL, on APP_URL's origin as return URLs must be. */
export function appPageUrl(path: string): string {
  return new URL(path, process.env.APP_URL ?? "http://localhost:3000").href;
}
