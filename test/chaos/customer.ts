import Stripe from "stripe";
import { hashPassword } from "../../src/auth/passwords.js";
import { generateSessionToken, hashToken } from "../../src/auth/tokens.js";
import type { Subject } from "../../src/db/subjects.js";
import { insertSession, insertUser } from "../../src/db/users.js";
import { uniqueEmail } from "../portico.js";
import type { ChaosWorld } from "./chaos-world.js";
import type { ChaosOrganization } from "./organization.js";

/** A chaos customer: who is billed, its Stripe customer, and what its script did. */

export interface ChaosCustomer {
  index: number;
  /** A user, or an organization (then `organization` holds its members). */
  subject: Subject;
  /** The acting user's session: the user, or a member who may manage the billing. */
  token: string;
  organization?: ChaosOrganization;
  customerId: string;
  /** The actions in the order they ran, for a failure message. */
  log: string[];
  /** Actions Stripe (or Portico's checkout) refused, e.g. after a clock advance ended the plan. */
  rejected: string[];
}

/** A refusal from Stripe or from Portico's checkout, as opposed to a broken test or server. */
export class RefusedAction extends Error {}

function refusal(error: unknown): RefusedAction | undefined {
  if (error instanceof RefusedAction) return error;
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeCardError
  ) {
    return new RefusedAction(error.message);
  }
  return undefined;
}

/** Runs an action; a refusal is noted on the customer instead of failing the test. */
export async function attempt(customer: ChaosCustomer, name: string, run: () => Promise<unknown>) {
  customer.log.push(name);
  try {
    await run();
  } catch (error) {
    const refused = refusal(error);
    if (!refused) throw error;
    customer.rejected.push(`${name}: ${refused.message}`);
  }
}

export interface ChaosUser {
  user: { id: string; email: string };
  token: string;
}

/**
 * The customers' users and their session tokens, written before the chaos starts through
 * the same queries signup uses, with one password hash for all: fifty scrypt hashes would
 * cost seconds of CPU on this box and signing up is not under test.
 */
export async function createUsers(world: ChaosWorld, count: number): Promise<ChaosUser[]> {
  const { db } = world.main.portico.database;
  const passwordHash = await hashPassword("correct horse battery");
  const expiresAt = new Date(Date.now() + 3600_000);
  const users: ChaosUser[] = [];
  for (let i = 0; i < count; i++) {
    const email = uniqueEmail();
    const user = await insertUser(db, email, passwordHash);
    if (!user) throw new Error("a fresh email was already taken");
    // A project's sessions name it, which is how the server routes them to the project.
    const token = generateSessionToken(world.projectId);
    await insertSession(db, user.id, hashToken(token), expiresAt);
    users.push({ user: { id: user.id, email }, token });
  }
  return users;
}
