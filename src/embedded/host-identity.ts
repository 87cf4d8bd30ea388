import type { AuthUser } from "../auth/accounts.js";
import type { Db } from "../db/client.js";
import { upsertExternalUser } from "../db/users.js";
import { PorticoError, unauthorized } from "../errors.js";
import type { Identify } from "../http/identify.js";
import { refuseCrossSiteCookie } from "../http/same-origin.js";
import type { AdoptCustomer } from "./adopt-customer.js";

/** The signed-in user, as the host app's own auth knows them. */
export interface HostUser {
  /** The host's stable id for the user. Portico keys its billing rows by it. */
  id: string;
  /** Where Stripe sends receipts; new customers are created with it. */
  email?: string | null | undefined;
  /**
   * The user's Stripe customer (`cus_…`), for an app already on Stripe. Adopted the first
   * time it is seen, if it exists in Stripe and is nobody else's; otherwise a warning is
   * logged and nothing is linked. A user who already has a customer keeps it.
   */
  stripeCustomerId?: string | null | undefined;
}

/** The host app's auth: the user behind a request, or null when nobody is signed in. */
export type IdentifyHostUser = (
  request: Request,
) => Promise<HostUser | null | undefined> | HostUser | null | undefined;

/**
 * Portico's user for the host's: created the first time it is seen, its email kept up to
 * date. Refuses ids Portico cannot store or compare safely, as a bug in the host's code.
 */
/**
 * The issuer Portico records for the host app's users and organizations, apart from any JWT
 * issuer the standalone service has seen: the same id from both never becomes one user.
 */
export const HOST_ISSUER = "portico:host";

export async function resolveHostUser(db: Db, user: HostUser): Promise<AuthUser> {
  if (typeof user.id !== "string" || user.id.length === 0 || user.id.length > 255) {
    throw new TypeError("identify() must return a user whose id is a string of 1–255 characters");
  }
  if (user.id.includes("\u0000")) throw new TypeError("identify() returned an id with a NUL byte");
  const email = typeof user.email === "string" ? user.email.trim().toLowerCase() : undefined;
  const row = await upsertExternalUser(db, {
    issuer: HOST_ISSUER,
    subject: user.id,
    email: email && !email.includes("\u0000") ? email : undefined,
  });
  return { id: row.id, email: row.email ?? row.externalEmail };
}

/**
 * The embedded seam: only the host's `identify` says who the user is; an id in the request
 * is never taken. A state-changing request that carries cookies must come from the app's
 * own origin, so a cookie session cannot be ridden from another site (CSRF).
 */
export function hostIdentity(
  identify: IdentifyHostUser,
  db: Db,
  appUrl: string,
  adoptCustomer?: AdoptCustomer,
): Identify {
  return async (c) => {
    const byCookie = !c.req.header("authorization") && c.req.header("cookie") !== undefined;
    refuseCrossSiteCookie(c, appUrl, byCookie);
    const user = await identify(c.req.raw);
    if (!user) throw unauthorized();
    c.set("hostUser", user);
    let resolved: AuthUser;
    try {
      resolved = await resolveHostUser(db, user);
    } catch (error) {
      if (error instanceof TypeError) {
        c.get("logger").error(
          { err: error, requestId: c.get("requestId") },
          "identify() returned an unusable user",
        );
        throw new PorticoError("INTERNAL_ERROR", "Could not identify the user");
      }
      throw error;
    }
    if (adoptCustomer && typeof user.stripeCustomerId === "string" && user.stripeCustomerId) {
      await adoptCustomer({ id: resolved.id, hostId: user.id }, user.stripeCustomerId);
    }
    return resolved;
  };
}
