import { createPortico, type Portico } from "portico";
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
  // The embedded PGlite database (PORTICO_DATA_DIR) or DATABASE_URL, migrated on first use.
  migrate: true,
});

export const portico: Portico = store.portico;

/** Where the portal and Checkout send the user back: this app's billing page. */
export function billingPageUrl(): string {
  return new URL("/settings/billing", process.env.APP_URL ?? "http://localhost:3000").href;
}
