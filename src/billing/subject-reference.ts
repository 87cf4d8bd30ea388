import type { Db } from "../db/client.js";
import {
  findOrganizationById,
  findUserById,
  findUsersByEmail,
  findUsersByExternalSubject,
  isPorticoId,
  type UserMatch,
} from "../db/subject-lookup.js";
import type { Subject } from "../db/subjects.js";
import { PorticoError } from "../errors.js";

/**
 * How an operator names a billing subject on the command line and in the admin API:
 *
 * - `user:<id>` or a bare uuid: a Portico user id
 * - `organization:<id>` (or `org:<id>`): a Portico organization id
 * - `email:<address>` or a bare address: the user with that email, case-insensitive
 * - `external:<id>`: the user an identity provider's `sub` (or an embedding app's user id) names
 */
export const SUBJECT_SYNTAX =
  "user:<id>, organization:<id>, email:<address>, external:<app user id>, a Portico user id or an email";

export type SubjectReference =
  | { kind: "user" | "organization" | "email" | "external"; value: string }
  | undefined;

export function parseSubjectReference(text: string): SubjectReference {
  const trimmed = text.trim();
  const match = /^(user|organization|org|email|external):(.+)$/.exec(trimmed);
  if (match?.[1] && match[2]) {
    const kind = match[1] === "org" ? "organization" : match[1];
    return { kind: kind as "user" | "organization" | "email" | "external", value: match[2] };
  }
  if (isPorticoId(trimmed)) return { kind: "user", value: trimmed };
  if (/^[^\s@:]+@[^\s@]+$/.test(trimmed)) return { kind: "email", value: trimmed };
  return undefined;
}

/** The subject a reference names, or a 422 (bad syntax, two users) or 404 (nobody). */
export async function resolveSubjectReference(db: Db, text: string): Promise<Subject> {
  const reference = parseSubjectReference(text);
  if (!reference) {
    throw new PorticoError("VALIDATION_ERROR", `Name the subject as ${SUBJECT_SYNTAX}`, {
      details: [{ path: ["subject"], message: `expected ${SUBJECT_SYNTAX}` }],
    });
  }
  const { kind, value } = reference;
  if (kind === "organization") {
    const organization = await findOrganizationById(db, value);
    if (!organization) throw notFound(`No organization ${value}`);
    return { type: "organization", id: organization.id };
  }
  const users =
    kind === "user"
      ? [await findUserById(db, value)].filter((user): user is UserMatch => user !== undefined)
      : kind === "email"
        ? await findUsersByEmail(db, value)
        : await findUsersByExternalSubject(db, value);
  const [user, other] = users;
  if (!user) throw notFound(`No user found for ${kind}:${value}`);
  if (other) {
    throw new PorticoError(
      "VALIDATION_ERROR",
      `${kind}:${value} names more than one user (${users.map((u) => u.id).join(", ")}); name one as user:<id>`,
      { details: [{ path: ["subject"], message: "names more than one user" }] },
    );
  }
  return { type: "user", id: user.id };
}

const notFound = (message: string) => new PorticoError("NOT_FOUND", message);
