import type { Subject } from "../db/subjects.js";

/**
 * The subject of one billing call, as the caller's access check resolved it: who is billed,
 * and what a new Stripe customer for it is created with.
 */
export interface BillingSubject extends Subject {
  /** The user's email, or the organization's billing email. */
  email: string | null;
  /** The organization's name; null for a user. */
  name: string | null;
  /** The organization's members now, where Portico can tell: a per-seat checkout starts there. */
  countMembers?: (() => Promise<number | null>) | undefined;
}

/** A user's own billing. */
export const userSubject = (user: { id: string; email: string | null }): BillingSubject => ({
  type: "user",
  id: user.id,
  email: user.email,
  name: null,
});
