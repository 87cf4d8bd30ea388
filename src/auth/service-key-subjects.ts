import type { BillingSubject } from "../billing/billing-subject.js";
import { resolveSubjectReference } from "../billing/subject-reference.js";
import type { Db } from "../db/client.js";
import { countMembers, findOrganizationOwner } from "../db/organizations.js";
import { findOrganizationById, findUserById } from "../db/subject-lookup.js";
import { subjectKey } from "../db/subjects.js";
import { PorticoError } from "../errors.js";
import type { AuthUser } from "./accounts.js";

/** Whom a service key's call acts for: the billing subject, and the user recorded as acting. */
export interface KeySubject {
  billing: BillingSubject;
  /** The user themself; for an organization, its first owner (portal and checkout rows name a user). */
  actor: AuthUser;
  /** `user:<id>` or `organization:<id>`, as audit rows name subjects. */
  reference: string;
}

/**
 * The subject a `Portico-Subject` header names, as an operator names one on the command line.
 * No membership check: a key is the operator's trust in the host's backend, which already
 * decided who its user is.
 */
export async function resolveKeySubject(db: Db, text: string): Promise<KeySubject> {
  const subject = await resolveSubjectReference(db, text);
  if (subject.type === "user") {
    const user = await findUserById(db, subject.id);
    if (!user) throw new PorticoError("NOT_FOUND", `No user found for user:${subject.id}`);
    const email = user.email ?? user.externalEmail;
    return {
      billing: { type: "user", id: user.id, email, name: null },
      actor: { id: user.id, email },
      reference: subjectKey(subject),
    };
  }
  const [organization, owner] = await Promise.all([
    findOrganizationById(db, subject.id),
    findOrganizationOwner(db, subject.id),
  ]);
  // An organization known only by a JWT's org claim has no members in Portico to act as.
  if (!organization || !owner) {
    throw new PorticoError("NOT_FOUND", "Organization not found, or it has no owner in Portico");
  }
  return {
    billing: {
      type: "organization",
      id: organization.id,
      email: organization.billingEmail,
      name: organization.name,
      countMembers: () => countMembers(db, organization.id),
    },
    actor: owner,
    reference: subjectKey(subject),
  };
}
